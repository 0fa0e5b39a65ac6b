/**
 * The README's "Mentions, DMs and threads": `@devbot status` in a channel, in a thread, and a DM to devbot,
 * through `devbot serve` + `devbot worker` with a config file as a user writes it; Slack's Events
 * API at the wire (signed JSON event_callbacks in, the Web API fake out).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { eventCallbackBody, postEvent } from '../fakes/slack-signing.js';
import { messageTs, waitForText } from './support/channel-messages.js';
import { SIGNING_SECRET, slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';

let seq = 0;
const newTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

describe('acceptance: @devbot mentions and DMs through devbot serve and devbot worker', () => {
  let slack: FakeSlackApi;
  let shipped: Shipped;
  let serveUrl: string;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    shipped = startShipped('mentions', slackEnv(inject('redisUrl'), slack.url));
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'mentions',
      etcd: inject('etcd').endpoints,
      acl: `
  rules:
    - name: alice-also-in-dms
      users: [U0ALICE]
      verbs: [status]
      channels: [ops, dm]
      environments: [prod]
    - name: carol-in-ops
      users: [U0CAROL]
      verbs: [status]
      channels: [ops]
      environments: [prod]`,
    }));
    serveUrl = await shipped.serveAndWorker(config);
  });

  afterAll(async () => {
    await shipped?.stop();
    await slack?.close();
  });

  const send = async (event: Record<string, unknown>) => {
    const res = await postEvent(serveUrl, SIGNING_SECRET, eventCallbackBody({ client_msg_id: randomBytes(8).toString('hex'), ...event }));
    expect(res.status).toBe(200);
  };

  /** The job's message (its first post) and its report, wherever they landed. */
  const jobMessage = async (jobId: string) => {
    const posted = await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0OPS' && String(c.params['text']).includes(`(job ${jobId},`), 20_000);
    const report = await waitForText(slack, 'C0OPS', /quorum/i, 20_000, posted.receivedAt);
    return { threadTs: posted.params['thread_ts'], ts: posted.ts, report: String(report.params['text']), reportTs: messageTs(report) };
  };

  it('`@devbot status` in #ops is answered in the mention’s thread, and the job’s report lands there too', async () => {
    const ts = newTs();
    await send({ type: 'app_mention', user: 'U0ALICE', channel: 'C0OPS', ts, text: '<@U0DEVBOT> status' });
    const ack = await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0OPS' && c.params['thread_ts'] === ts, 10_000);
    const jobId = /^Queued as job (status-[0-9a-f]{10})/.exec(String(ack.params['text']))?.[1];
    expect(jobId, String(ack.params['text'])).toBeDefined();
    const job = await jobMessage(jobId!);
    expect(job.threadTs).toBe(ts);
    expect(job.reportTs).toBe(job.ts);
    expect(job.report).toMatch(/prod/);
  });

  it('a mention typed as a reply in a thread is answered in that thread, its job too', async () => {
    const root = newTs();
    const reply = newTs();
    await send({ type: 'app_mention', user: 'U0ALICE', channel: 'C0OPS', ts: reply, thread_ts: root, text: '<@U0DEVBOT> status' });
    const ack = await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0OPS' && c.params['thread_ts'] === root && /^Queued as job/.test(String(c.params['text'])), 10_000);
    const jobId = /^Queued as job (status-[0-9a-f]{10})/.exec(String(ack.params['text']))?.[1];
    expect((await jobMessage(jobId!)).threadTs).toBe(root);
    // Nothing was posted as a reply to the reply: Slack threads have one level.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === reply)).toEqual([]);
  });

  it('a DM runs for a rule that names dm, and is refused, saying what is missing, for one that does not', async () => {
    await send({ type: 'message', channel_type: 'im', user: 'U0ALICE', channel: 'D0ALICE', ts: newTs(), text: 'status --env prod' });
    await waitForText(slack, 'D0ALICE', /^Queued as job status-/);
    await send({ type: 'message', channel_type: 'im', user: 'U0CAROL', channel: 'D0CAROL', ts: newTs(), text: 'status --env prod' });
    const denial = await waitForText(slack, 'D0CAROL', /not allowed/);
    expect(String(denial.params['text'])).toBe(':no_entry: `status` is not allowed for you in a direct message (you may run it in #ops; an admin can allow DMs with `channels: [dm]` in a rule)');
  });
});
