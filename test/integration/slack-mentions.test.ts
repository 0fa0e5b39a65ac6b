/**
 * `@devbot` mentions, DMs and thread replies at the wire: signed Events API POSTs into the real
 * Bolt receiver, the real handleCommand / ACL / audit on the harness's Redis, and the Slack Web
 * API fake recording what users see. No worker: queued jobs stay queued, which is all these need.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log.js';
import type { AlertState } from '../../src/ports/alert-store.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { eventCallbackBody, postEvent } from '../fakes/slack-signing.js';

const SECRET = 'mentions-signing-secret';
const DEV = 'C0DEV';
const BOT = 'U0DEVBOT';
const WAIT_MS = 10_000;

let seq = 0;
const newTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

describe('mentions, DMs and threads', () => {
  let fake: FakeSlackApi;
  let deps: BuiltDeps;
  let slack: SlackApp;
  let url: string;
  const logged = new EventEmitter();

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    const config = loadConfig({
      documents: [
        `
slack: { port: 0 }
redis: { prefix: ${uniqueName('mentions')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  dev: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }
channels:
  dev-ops: { id: ${DEV}, environment: dev }
acl:
  rules:
    - { name: oncall, users: [U0ALICE, U0ERIN, U0FRED, U0GINA], verbs: [status, silence, alerts, jobs], channels: ['*', dm], environments: ['*'] }
    - { name: channels-only, users: [U0BOB], verbs: [status], channels: ['*'], environments: ['*'] }
`,
      ],
      env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-mentions', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url },
    });
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logged.emit('line', line) } });
    deps = buildDeps(config, log);
    slack = await createSlackApp({ config, log, handleCommand: (input) => handleCommand(input, deps), claimEvent: (key) => deps.eventClaims.claim(key, 60_000) });
    await slack.start();
    url = `http://127.0.0.1:${slack.port()}/slack/events`;
  });

  afterAll(async () => {
    await slack?.stop();
    await deps?.close();
    await fake?.close();
  });

  /** Resolves when devbot logs a line containing `text` (registered before the event is sent). */
  const logLine = (text: string) =>
    new Promise<string>((resolve) => {
      const on = (line: string) => {
        if (!line.includes(text)) return;
        logged.off('line', on);
        resolve(line);
      };
      logged.on('line', on);
    });

  async function send(event: Record<string, unknown>, opts: { eventId?: string; retryNum?: number } = {}) {
    const res = await postEvent(url, SECRET, eventCallbackBody(event, { eventId: opts.eventId }), { retryNum: opts.retryNum });
    expect(res.status).toBe(200);
  }
  const mention = (user: string, text: string, extra: Record<string, unknown> = {}) => ({ type: 'app_mention', user, channel: DEV, ts: newTs(), text: `<@${BOT}> ${text}`, client_msg_id: randomBytes(8).toString('hex'), ...extra });
  const dm = (user: string, text: string) => ({ type: 'message', channel_type: 'im', channel: `D0${user.slice(2)}`, user, ts: newTs(), text, client_msg_id: randomBytes(8).toString('hex') });
  const replyTo = (method: string, channel: string, match: (c: RecordedCall) => boolean) => fake.waitForCall(method, (c) => c.params['channel'] === channel && match(c), WAIT_MS);
  const repliesTo = (channel: string, threadTs: string) => fake.calls.filter((c) => c.method.startsWith('chat.post') && c.params['channel'] === channel && c.params['thread_ts'] === threadTs);
  const audited = async (user: string) => (await deps.audit.latest({ user, limit: 50 })).filter((e) => e.event !== 'silenced');

  it('answers `@devbot status` in the thread of the mention, through the ACL and audit, once', async () => {
    const m = mention('U0ALICE', 'status');
    await send(m);
    const reply = await replyTo('chat.postMessage', DEV, (c) => c.params['thread_ts'] === m.ts);
    expect(String(reply.params['text'])).toMatch(/^Queued as job status-[0-9a-f]{10}\.$/);
    expect(await audited('U0ALICE')).toEqual([expect.objectContaining({ decision: 'allowed', text: 'status', channel: 'dev-ops' })]);
  });

  it('ignores Slack redelivering the same event (same event_id, X-Slack-Retry-Num)', async () => {
    const m = mention('U0ERIN', 'status');
    const eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
    await send(m, { eventId });
    await replyTo('chat.postMessage', DEV, (c) => c.params['thread_ts'] === m.ts);
    const skipped = logLine('Slack event already handled');
    await send(m, { eventId, retryNum: 1 });
    expect(await skipped).toContain(eventId);
    expect(repliesTo(DEV, m.ts)).toHaveLength(1);
    expect(await audited('U0ERIN')).toHaveLength(1);
  });

  it('runs a DM once (message.im) and answers in the conversation', async () => {
    const d = dm('U0FRED', 'status --env dev');
    await send(d);
    const reply = await replyTo('chat.postMessage', d.channel, () => true);
    expect(String(reply.params['text'])).toMatch(/^Queued as job status-/);
    expect(reply.params['thread_ts']).toBeUndefined();
    expect(await audited('U0FRED')).toEqual([expect.objectContaining({ decision: 'allowed', channel: 'dm' })]);
  });

  it('refuses a DM from someone whose rules do not name `dm`, saying what is missing', async () => {
    const d = dm('U0BOB', 'status --env dev');
    await send(d);
    const reply = await replyTo('chat.postMessage', d.channel, () => true);
    expect(String(reply.params['text'])).toBe(
      ':no_entry: `status` is not allowed for you in a direct message (you may run it in any channel; an admin can allow DMs with `channels: [dm]` in a rule)',
    );
  });

  it('shows a denial in a channel only to the asker, in the thread', async () => {
    const m = mention('U0BOB', 'silence dev/etcd-member-unreachable/e2 2h');
    await send(m);
    const reply = await replyTo('chat.postEphemeral', DEV, (c) => c.params['thread_ts'] === m.ts);
    expect(reply.params['user']).toBe('U0BOB');
    expect(String(reply.params['text'])).toContain(':no_entry: `silence` is not allowed for you anywhere');
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === m.ts)).toEqual([]);
  });

  it('`@devbot silence 2h` in an alert’s thread silences that alert', async () => {
    const alertTs = newTs();
    const key = `dev/etcd-member-unreachable/${uniqueName('e')}`;
    const alert: AlertState = {
      key, environment: 'dev', rule: 'etcd-member-unreachable', subject: key.split('/')[2]!, severity: 'warning', kind: 'condition', status: 'firing',
      since: new Date().toISOString(), firedAt: new Date().toISOString(), flaps: 0, summary: 'etcd member unreachable', details: [], advice: '', channels: ['dev-ops'],
      messages: [{ transport: { kind: 'slack' }, ref: { channel: DEV, ts: alertTs }, channel: 'dev-ops' }],
    };
    await deps.alertStore.save([alert]);
    await send(mention('U0GINA', 'silence 2h', { thread_ts: alertTs }));
    const reply = await replyTo('chat.postMessage', DEV, (c) => c.params['thread_ts'] === alertTs);
    expect(String(reply.params['text'])).toContain(`Silenced \`${key}\` until`);
    expect((await deps.alertStore.silences())[key]).toMatchObject({ by: 'U0GINA' });
  });

  it('ignores devbot’s own messages, other bots’ and edits', async () => {
    const own = { type: 'message', channel_type: 'im', channel: 'D0ALICE', user: BOT, bot_id: 'B0DEVBOT', subtype: 'bot_message', ts: newTs(), text: 'status --env dev' };
    const edit = { type: 'message', channel_type: 'im', channel: 'D0ALICE', subtype: 'message_changed', ts: newTs(), message: { user: 'U0ALICE', text: 'status --env dev' } };
    const ignoredEdit = logLine('subtype message_changed');
    await send(own);
    await send(edit);
    await ignoredEdit;
    // A DM after them is answered; by then the earlier two had their chance and posted nothing.
    const later = dm('U0ALICE', 'status --env dev');
    await send(later);
    await replyTo('chat.postMessage', 'D0ALICE', (c) => String(c.params['text']).startsWith('Queued'));
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === 'D0ALICE')).toHaveLength(1);
  });

  it('answers Slack’s url_verification challenge', async () => {
    const res = await postEvent(url, SECRET, { type: 'url_verification', token: 'x', challenge: 'abc123' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('abc123');
  });
});
