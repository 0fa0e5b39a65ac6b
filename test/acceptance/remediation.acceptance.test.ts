/**
 * The README's auto-remediation promise, through `devbot serve` + `devbot worker` with a config a
 * user writes: a unit that fleet should run fails, its unit-not-running alert opts into
 * `remediate: { action: restart, after: 1s, grace: 2s }`, and devbot announces the restart in the
 * alert's thread, waits out the grace period, restarts the unit at fleet and says how it went. The
 * kill switch is typed as a slash command and stops the next one. Slack and fleet at the wire only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { blockActionsPayload, eventCallbackBody, postEvent, postInteraction } from '../fakes/slack-signing.js';
import { waitForText } from './support/channel-messages.js';
import { SIGNING_SECRET, slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';
import { typeCommand, type SlackPlace } from './support/slack-user.js';

const alice: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };

describe('acceptance: auto-remediation from devbot worker', () => {
  let slack: FakeSlackApi;
  let fleet: FleetFake;
  let shipped: Shipped;
  let serveUrl: string;

  beforeAll(async () => {
    fleet = await startFleetFake({
      machines: [{ name: 'worker-a', metadata: { role: 'worker' } }, { name: 'worker-b', metadata: { role: 'worker' } }],
      timings: { scheduleMs: 20, startMs: 100, stopMs: 30 },
      tickMs: 20,
      containers: false,
    });
    slack = await startFakeSlackApi();
    shipped = startShipped('remediation', slackEnv(inject('redisUrl'), slack.url));
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'remediation',
      etcd: inject('etcd').endpoints,
      prod: `
    fleet:
      url: ${fleet.url}
      pollMs: 50`,
      acl: `
  rules:
    - name: oncall
      users: [U0ALICE]
      verbs: ['*']
      channels: [ops]
      environments: [prod]`,
      more: `
alerts:
  intervalMs: 500
  rules:
    unit-not-running:
      forMs: 0
      remediate: { action: restart, after: 1s, grace: 2s }
    machine-gone:
      forMs: 0
      remediate: { action: replace, after: 1s, grace: 10m }
  remediation:
    maxPerHour: 5`,
    }));
    serveUrl = await shipped.serveAndWorker(config);
  });

  afterAll(async () => {
    await shipped?.stop();
    await slack?.close();
    await fleet?.close();
  });

  async function launchFailing(unit: string, times?: number): Promise<void> {
    fleet.injectFailure({ kind: 'start', unit, ...(times ? { times } : {}) });
    const body = { desiredState: 'launched', options: [{ section: 'Service', name: 'ExecStart', value: '/usr/bin/docker run team/app' }] };
    const put = await fetch(`${fleet.url}/fleet/v1/units/${unit}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(put.status).toBe(201);
  }
  const inThread = (ts: string | undefined, pattern: RegExp, timeoutMs: number): Promise<RecordedCall> =>
    slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0OPS' && c.params['thread_ts'] === ts && pattern.test(String(c.params['text'])), timeoutMs);

  it('a failed unit: alert → restart announced in its thread with Cancel → after the grace the unit is restarted at fleet → outcome in the thread → resolved', async () => {
    await launchFailing('app.service', 1);
    const alert = await waitForText(slack, 'C0OPS', /^CRITICAL: app\.service in prod should run but is failed/, 20_000);
    const announcement = await inThread(alert.ts, /^Auto-remediation: unit-not-running has fired for \d+ s\. devbot will run \/dev units restart app\.service --env prod \(Restart unit\) at .* in 2 s, unless someone presses Cancel/, 20_000);
    expect(JSON.stringify(announcement.params['blocks'])).toContain('"action_id":"devbot_remediation_cancel"');
    // Nothing happens before the grace period is over.
    expect(announcement.receivedAt - alert.receivedAt).toBeGreaterThanOrEqual(900);
    const outcome = await inThread(alert.ts, /^:white_check_mark: Auto-remediation \/dev units restart app\.service --env prod \(job auto-[0-9a-f-]+\) succeeded: app\.service restarted: active on/, 30_000);
    expect(outcome.receivedAt - announcement.receivedAt).toBeGreaterThanOrEqual(2_000);
    expect(fleet.states().find((s) => s.name === 'app.service')?.systemdActiveState).toBe('active');
    const jobId = /\(job (auto-[0-9a-f-]+)\)/.exec(String(outcome.params['text']))![1]!;
    // The announcement lost its Cancel button once the restart began.
    await slack.waitForCall('chat.update', (c) => c.params['ts'] === announcement.ts && String(c.params['text']).includes(`running as job ${jobId} (devbot (auto))`), 10_000);
    await slack.waitForCall('chat.update', (c) => c.params['ts'] === alert.ts && /^RESOLVED after/.test(String(c.params['text'])), 20_000);
    // Audited as devbot (auto), with the rule that triggered it.
    expect(await typeCommand(serveUrl, alice, 'audit --target app.service')).toMatch(/devbot \(auto\)[\s\S]*units restart app\.service --env prod/);
  });

  it('`/dev remediation pause` is the kill switch: the next failure is alerted, not acted on, and the thread says why; resume lets it run', async () => {
    expect(await typeCommand(serveUrl, alice, 'remediation pause')).toMatch(/Auto-remediation paused in prod by <@U0ALICE>/);
    await launchFailing('paused.service', 1);
    const alert = await waitForText(slack, 'C0OPS', /^CRITICAL: paused\.service in prod should run but is failed/, 20_000);
    await inThread(alert.ts, /is waiting: auto-remediation is paused in prod \(by U0ALICE at/, 20_000);
    expect(fleet.states().find((s) => s.name === 'paused.service')?.systemdActiveState).toBe('failed');
    expect(await typeCommand(serveUrl, alice, 'remediation resume')).toMatch(/Auto-remediation resumed in prod by <@U0ALICE>/);
    await inThread(alert.ts, /succeeded: paused\.service restarted: active on/, 30_000);
    await waitFor('paused.service active', () => fleet.states().find((s) => s.name === 'paused.service')?.systemdActiveState === 'active', { timeoutMs: 10_000 });
  });

  it('Cancel on the announcement, clicked in Slack during the grace period: nothing is done, and the thread says who stopped it; `@devbot replace` in the alert’s thread runs its Replace command', async () => {
    const gone = fleet.machines[1]!;
    const goneIp = gone.ip.replace(/\./g, '\\.'); // the alert's Replace names the machine by the IP it had
    fleet.removeMachine(gone.id);
    const alert = await waitForText(slack, 'C0OPS', new RegExp(`^CRITICAL: machine ${gone.id.slice(0, 8)} .* left fleet in prod`), 20_000);
    const announcement = await inThread(alert.ts, new RegExp(`devbot will run /dev replace ${goneIp} --env prod \\(Replace machine\\) at .* in 10 min, unless someone presses Cancel`), 20_000);
    const cancel = (JSON.stringify(announcement.params['blocks']).match(/"action_id":"devbot_remediation_cancel","value":"([^"]+)"/) ?? [])[1]!;
    const click = (userId: string) =>
      postInteraction(serveUrl, SIGNING_SECRET, blockActionsPayload({ userId, channelId: 'C0OPS', channelName: 'ops', actionId: 'devbot_remediation_cancel', value: cancel, messageTs: announcement.ts, responseUrl: slack.responseUrl(`cancel-${userId}`) }));
    // Someone the ACL does not know is refused, and only they hear it.
    expect((await click('U0MALLORY')).status).toBe(200);
    await slack.waitForCall('response_url', (c) => /Only someone allowed to run `replace` or `remediation` here may cancel this/.test(JSON.stringify(c.params)), 10_000);
    expect((await click('U0ALICE')).status).toBe(200);
    await slack.waitForCall('chat.update', (c) => c.params['ts'] === announcement.ts && /cancelled by U0ALICE during the grace period\. Nothing was done/.test(String(c.params['text'])), 10_000);
    expect(await typeCommand(serveUrl, alice, 'status')).toMatch(/Queued as job/);
    const isReport = (c: RecordedCall) => c.receivedAt >= announcement.receivedAt && c.params['channel'] === 'C0OPS' && JSON.stringify(c.params).includes('*remediation*');
    const report = await Promise.any([slack.waitForCall('chat.postMessage', isReport, 30_000), slack.waitForCall('chat.update', isReport, 30_000)]);
    // The status report shows remediation, with nothing in progress once it was cancelled.
    expect(JSON.stringify(report.params)).toMatch(/\*remediation\* — on, nothing in progress/);
    expect(await typeCommand(serveUrl, alice, `audit --target ${gone.ip}`)).not.toMatch(/devbot \(auto\)[^\n]*replace/);

    // `@devbot replace` typed in the alert's thread runs the alert's own Replace command: the
    // answer, in that thread, names this machine (prod has no AWS here, so its preview is refused, in that thread too).
    const mention = await postEvent(serveUrl, SIGNING_SECRET, eventCallbackBody({ type: 'app_mention', user: 'U0ALICE', channel: 'C0OPS', ts: `${Math.floor(Date.now() / 1000)}.000001`, thread_ts: alert.ts, text: '<@U0DEVBOT> replace', client_msg_id: randomUUID() }));
    expect(mention.status).toBe(200);
    await inThread(alert.ts, new RegExp(`^Preparing a preview of \`/dev replace ${goneIp} --env prod\``), 10_000);
    // Refused in the same thread: a command typed in a thread is answered there, failure included.
    await inThread(alert.ts, new RegExp(`^:x: \`/dev replace ${goneIp} --env prod\` \\(job [\\w-]+\\) failed: AWS is not configured for prod`), 20_000);
  });
});
