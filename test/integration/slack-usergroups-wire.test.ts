/**
 * Slack user groups in the ACL, at the wire: signed `/dev` commands and `subteam_members_changed`
 * events into the real Bolt receiver, usergroups.* answered by the Web API fake, membership cached
 * in the harness's real Redis and shared by two serve replicas wired as `devbot serve` wires them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { eventCallbackBody, postEvent, postSlashCommand } from '../fakes/slack-signing.js';

const SECRET = 'usergroups-signing-secret';
const ANN = 'U0ANN';
const BEN = 'U0BEN';
const OPS = { id: 'C0OPS', name: 'ops' };
/** Short bounds, so "older than its bound" comes within a test; the schema's defaults are minutes. */
const MAX_AGE_MS = 8_000;

interface Replica { deps: BuiltDeps; app: SlackApp; url: string }

async function startReplica(fake: FakeSlackApi, prefix: string, queue: string): Promise<Replica> {
  const config = loadConfig({
    documents: [`
slack: { port: 0 }
redis: { prefix: ${prefix} }
jobs: { queue: ${queue} }
environments:
  dev: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }
channels:
  ops: { id: ${OPS.id}, environment: dev }
acl:
  usergroupCache: { refreshMs: 1000, maxAgeMs: ${MAX_AGE_MS} }
  rules:
    - { name: sre-oncall, usergroups: ['@sre-oncall'], verbs: [status], channels: [ops], environments: [dev] }
`],
    env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-usergroups', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url },
  });
  const log = silentLogger();
  const deps = buildDeps(config, log);
  // As src/cli/serve.ts wires it.
  const app = await createSlackApp({
    config,
    log,
    handleCommand: (input) => handleCommand(input, deps),
    usergroupsChanged: (change) => deps.usergroups!.membersChanged(change),
  });
  await app.start();
  return { deps, app, url: `http://127.0.0.1:${app.port()}/slack/events` };
}

async function ask(replica: Replica, user: string, text: string): Promise<string> {
  const res = await postSlashCommand(replica.url, SECRET, { text, user_id: user, user_name: user.toLowerCase(), channel_id: OPS.id, channel_name: OPS.name });
  expect(res.status).toBe(200);
  return String((JSON.parse(res.body) as { text?: string }).text ?? '');
}

/** Asks until the answer matches: the change it waits for has no event of its own to wait on. */
async function askUntil(replica: Replica, user: string, text: string, match: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await ask(replica, user, text);
    if (match.test(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer matching ${match} within ${timeoutMs} ms; the last was: ${last}`);
}

describe('Slack user groups in the ACL, at the wire', () => {
  let fake: FakeSlackApi;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    fake.usergroups.define({ id: 'S0SRE', handle: 'sre-oncall', users: [ANN, BEN] });
    const prefix = uniqueName('usergroups');
    const queue = uniqueName('q');
    a = await startReplica(fake, prefix, queue);
    b = await startReplica(fake, prefix, queue);
  });

  afterAll(async () => {
    for (const r of [a, b]) {
      await r?.app.stop();
      await r?.deps.close();
    }
    await fake?.close();
  });

  it('a member of the Slack user group is allowed, and `/dev can-i` names the group', async () => {
    expect(await ask(a, ANN, 'can-i status')).toBe('Can you run `status` in #ops (environment dev)? yes — allowed by rule `sre-oncall`, as a member of the Slack user group @sre-oncall.');
    expect(await ask(a, ANN, 'status')).toMatch(/^Queued as job status-[0-9a-f]{10}\.$/);
    expect(fake.callsTo('usergroups.list').length).toBeGreaterThan(0);
    expect(fake.callsTo('usergroups.users.list').every((c) => c.params['usergroup'] === 'S0SRE' && c.authorized)).toBe(true);
  });

  it('removed from the group (subteam_members_changed at one replica), the user is denied at both', async () => {
    expect(await ask(b, BEN, 'can-i status')).toMatch(/yes — allowed by rule `sre-oncall`/);
    await b.deps.usergroups!.refresh(); // a fresh copy, well within its bound
    fake.usergroups.setMembers('S0SRE', [ANN]);
    // Slack cannot be read just now: only the event itself can take Ben out before the copy ages.
    fake.usergroups.fail({ error: 'fatal_error' });
    try {
      const res = await postEvent(a.url, SECRET, eventCallbackBody({
        type: 'subteam_members_changed', subteam_id: 'S0SRE', team_id: 'T0000001', date_previous_update: 1, date_update: 2,
        added_users: [], added_users_count: '0', removed_users: [BEN], removed_users_count: '1', event_ts: `${Date.now() / 1000}`,
      }));
      expect(res.status).toBe(200);
      // The event is applied after its ack: wait for its effect, at the other replica.
      const denied = await askUntil(b, BEN, 'status', /^:no_entry:/, 6_000);
      expect(denied).toBe(':no_entry: `status` is not allowed for you: no access rule names you (an admin can add one under acl.rules)');
      expect(await ask(b, ANN, 'can-i status')).toMatch(/yes — allowed by rule `sre-oncall`/);
    } finally {
      fake.usergroups.restore();
    }
  });

  it('while Slack refuses usergroups.users.list and the cached copy is older than its bound, the rule denies, saying why', async () => {
    fake.usergroups.fail({ status: 429, retryAfter: 30 });
    try {
      const denied = await askUntil(a, ANN, 'status', /denied for now/, 20_000);
      expect(denied).toMatch(/^:no_entry: `status` is denied for now: rule `sre-oncall` allows it to members of the Slack user group @sre-oncall, and devbot cannot tell whether you are one \(while reading the members of Slack user group S0SRE \(usergroups\.users\.list\): ratelimited; last read \d+ s ago, longer than the 8 s devbot trusts a copy\)\. Try again in a few minutes/);
      expect(await ask(a, ANN, 'can-i status')).toMatch(/\? no — `status` is denied for now: .*ratelimited/);
    } finally {
      fake.usergroups.restore();
    }
    // Slack answers again: the next command reads the group afresh and is allowed.
    expect(await askUntil(a, ANN, 'status', /^Queued as job/, 10_000)).toMatch(/^Queued as job status-/);
  });
});
