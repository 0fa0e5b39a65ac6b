/**
 * The README's "Mentions, DMs and threads": `@devbot status` in a channel and a DM to devbot,
 * through `devbot serve` + `devbot worker` with a config file as a user writes it; Slack's Events
 * API at the wire (signed JSON event_callbacks in, the Web API fake out).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { eventCallbackBody, postEvent } from '../fakes/slack-signing.js';
import { waitForText } from './support/channel-messages.js';
import { SIGNING_SECRET, slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';

let seq = 0;
const newTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

describe('acceptance: @devbot mentions and DMs through devbot serve and devbot worker', () => {
  let slack: FakeSlackApi;
  let shipped: Shipped;
  let serveUrl: string;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    shipped = startShipped('mentions', slackEnv(inject('redisUrl'), slack.url));
    const config = shipped.writeConfig('devbot', `
slack:
  port: 0
redis:
  prefix: acceptance-mentions-${randomBytes(3).toString('hex')}
jobs:
  queue: acceptance-mentions-${randomBytes(3).toString('hex')}
ops:
  workerPort: 0
  servePort: 0
environments:
  prod:
    etcd:
      endpoints: [${inject('etcd').endpoints.join(', ')}]
channels:
  ops:
    id: C0OPS
    environment: prod
acl:
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
      environments: [prod]
`);
    const serve = await shipped.serve('serve', config);
    serveUrl = serve.url;
    await shipped.worker('worker', config);
  });

  afterAll(async () => {
    await shipped?.stop();
    await slack?.close();
  });

  const send = async (event: Record<string, unknown>) => {
    const res = await postEvent(serveUrl, SIGNING_SECRET, eventCallbackBody({ client_msg_id: randomBytes(8).toString('hex'), ...event }));
    expect(res.status).toBe(200);
  };

  it('`@devbot status` in #ops is answered in the mention’s thread and the report lands in the channel', async () => {
    const ts = newTs();
    await send({ type: 'app_mention', user: 'U0ALICE', channel: 'C0OPS', ts, text: '<@U0DEVBOT> status' });
    const ack = await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C0OPS' && c.params['thread_ts'] === ts, 10_000);
    expect(String(ack.params['text'])).toMatch(/^Queued as job status-/);
    const report = await waitForText(slack, 'C0OPS', /quorum/i, 20_000);
    expect(String(report.params['text'])).toMatch(/prod/);
  });

  it('a DM runs for a rule that names dm, and is refused, saying what is missing, for one that does not', async () => {
    await send({ type: 'message', channel_type: 'im', user: 'U0ALICE', channel: 'D0ALICE', ts: newTs(), text: 'status --env prod' });
    await waitForText(slack, 'D0ALICE', /^Queued as job status-/);
    await send({ type: 'message', channel_type: 'im', user: 'U0CAROL', channel: 'D0CAROL', ts: newTs(), text: 'status --env prod' });
    const denial = await waitForText(slack, 'D0CAROL', /not allowed/);
    expect(String(denial.params['text'])).toBe(':no_entry: `status` is not allowed for you in a direct message (you may run it in #ops; an admin can allow DMs with `channels: [dm]` in a rule)');
  });
});
