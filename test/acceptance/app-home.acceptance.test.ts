/**
 * The App Home tab through `devbot serve` + `devbot worker`, with a config a user writes (a rule
 * naming a Slack user group): a signed `app_home_opened` event in, `views.publish` at the Web API
 * fake out, showing each environment's health, the user's jobs and what they may run where; and
 * the tab published again when an alert fires. A database candidate is `etcdctl elect`, as a
 * database node runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { eventCallbackBody, postEvent } from '../fakes/slack-signing.js';
import { waitForText } from './support/channel-messages.js';
import { SIGNING_SECRET, slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';
import { typeCommand, type SlackPlace } from './support/slack-user.js';

const ann: SlackPlace = { userId: 'U0ANN', channelId: 'C0OPS', channelName: 'ops' };
const ZED = 'U0ZED';
const ELECTION = `acceptance-home-${randomBytes(3).toString('hex')}/postgres`;

/** The Home tab as the Slack client shows it: its section and context texts, one per line. */
function shown(call: RecordedCall): string {
  const view = call.params['view'] as { blocks?: Array<Record<string, unknown>> } | undefined;
  return (view?.blocks ?? []).map((b) => {
    const text = b['text'] as { text?: string } | undefined;
    const elements = (b['elements'] as Array<{ text?: string }> | undefined) ?? [];
    return text?.text ?? elements.map((e) => e.text ?? '').join(' ');
  }).join('\n');
}

describe('acceptance: the App Home tab', () => {
  let slack: FakeSlackApi;
  let shipped: Shipped;
  let serveUrl: string;
  let candidate: ChildProcess | undefined;
  const endpoints = inject('etcd').endpoints;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    slack.usergroups.define({ id: 'S0SRE', handle: 'sre-oncall', users: [ann.userId] });
    // pg-1 campaigns and leads before devbot starts, as a running database would.
    candidate = spawn('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'elect', ELECTION, 'pg-1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      candidate!.stdout!.once('data', () => resolve());
      candidate!.once('exit', (code) => reject(new Error(`etcdctl elect exited with ${code}`)));
    });
    shipped = startShipped('app-home', slackEnv(inject('redisUrl'), slack.url));
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'home',
      etcd: endpoints,
      prod: `
    databases:
      postgres: { electionPrefix: ${ELECTION}, candidates: 1 }`,
      channels: `
  ops:
    id: ${ann.channelId}
    environment: prod`,
      acl: `
  rules:
    - name: sre-oncall
      usergroups: ['@sre-oncall']
      verbs: [status, failover]
      channels: [ops]
      environments: [prod]`,
      more: `
alerts:
  intervalMs: 500
  rules:
    database-no-leader: { forMs: 0 }`,
    }));
    serveUrl = await shipped.serveAndWorker(config);
  });

  afterAll(async () => {
    if (candidate && candidate.exitCode === null) {
      candidate.kill('SIGKILL');
      await once(candidate, 'exit');
    }
    await shipped?.stop();
    await slack?.close();
  });

  const openHome = async (user: string) => {
    const res = await postEvent(serveUrl, SIGNING_SECRET, eventCallbackBody({ type: 'app_home_opened', user, channel: `D0${user.slice(2)}`, tab: 'home', event_ts: `${Date.now() / 1000}` }));
    expect(res.status).toBe(200);
  };

  it("opening the Home tab publishes the user's home: health per environment, their jobs, what they may run where", async () => {
    expect(await typeCommand(serveUrl, ann, 'status')).toMatch(/^Queued as job status-/);
    await waitForText(slack, ann.channelId, /quorum/i, 20_000);
    const since = Date.now();
    await openHome(ann.userId);
    const call = await slack.waitForCall('views.publish', (c) => c.params['user_id'] === ann.userId && c.receivedAt >= since && c.error === undefined, 15_000);
    const home = shown(call);
    expect((call.params['view'] as { type?: string }).type).toBe('home');
    expect(home).toMatch(/\*prod\* — etcd has quorum \(3\/3 members\) · .* · postgres: led by pg-1/);
    expect(home).toMatch(/`status` in prod · (completed|active) · /);
    expect(home).toContain('*#ops* (prod): `status`, `failover`');
  });

  it('`/dev can-i` names the Slack user group that allows', async () => {
    expect(await typeCommand(serveUrl, ann, 'can-i failover postgres')).toBe(
      'Can you run `failover postgres` in #ops (environment prod)? yes — allowed by rule `sre-oncall`, as a member of the Slack user group @sre-oncall.',
    );
  });

  it('someone no rule names is told to ask an admin', async () => {
    await openHome(ZED);
    const call = await slack.waitForCall('views.publish', (c) => c.params['user_id'] === ZED && c.error === undefined, 15_000);
    expect(shown(call)).toContain('No access rule lets you run anything yet: ask an admin to add one under `acl.rules`.');
    expect(shown(call)).toContain('You have no jobs lately.');
  });

  it('when an alert fires, the tab of everyone who opened theirs is published again, showing it', async () => {
    const opened = Date.now();
    await openHome(ann.userId);
    await slack.waitForCall('views.publish', (c) => c.params['user_id'] === ann.userId && c.receivedAt >= opened && c.error === undefined, 15_000);
    const since = Date.now();
    candidate!.kill('SIGINT'); // etcdctl resigns: nobody leads postgres now
    await waitForText(slack, ann.channelId, /postgres in prod has no leader/, 20_000);
    const refreshed = await slack.waitForCall('views.publish', (c) => c.params['user_id'] === ann.userId && c.receivedAt >= since && /postgres: \*no leader\*/.test(shown(c)), 20_000);
    expect(shown(refreshed)).toMatch(/\*prod\* — .* · \*\d+ alerts? firing\* · postgres: \*no leader\*/);
  });
});
