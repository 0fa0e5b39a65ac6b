/**
 * Slack as it really behaves: a Web API fake that answers 429 past ~1 message/s per channel, and
 * a burst of `/dev status` in one channel through `devbot serve` and two `devbot worker`s. The
 * workers share one rate budget in Redis, so every report lands without drawing a single 429.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { messageTs } from './support/channel-messages.js';
import { slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';
import { queuedJobId, typeCommand, type SlackPlace } from './support/slack-user.js';

const alice: SlackPlace = { userId: 'U0ALICE', channelId: 'C0BURST', channelName: 'burst' };
const aliceElsewhere: SlackPlace = { userId: 'U0ALICE', channelId: 'C0QUIET', channelName: 'quiet' };
const COMMANDS = 30;

describe('acceptance: a burst of /dev status against a Slack that rate-limits', () => {
  let slack: FakeSlackApi;
  let shipped: Shipped;
  let serveUrl: string;

  beforeAll(async () => {
    slack = await startFakeSlackApi({ strict: true });
    shipped = startShipped('burst', slackEnv(inject('redisUrl'), slack.url));
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'burst',
      etcd: inject('etcd').endpoints,
      channels: `
  burst:
    id: C0BURST
    environment: prod
  quiet:
    id: C0QUIET
    environment: prod`,
      acl: `
  groups:
    sre: [U0ALICE]
  rules:
    - name: sre-status
      groups: [sre]
      verbs: [status]
      channels: [burst, quiet]
      environments: [prod]`,
    }));
    const [serve] = await Promise.all([shipped.serve('serve', config), shipped.worker('worker-a', config), shipped.worker('worker-b', config)]);
    serveUrl = serve.url;
  });

  afterAll(async () => {
    await shipped?.stop();
    await slack?.close();
  });

  it(`${COMMANDS} concurrent /dev status in one channel: every report lands, no call drew a 429, and a command sent meanwhile hears Slack is busy`, async () => {
    // Nothing waits for Slack yet: the plain ack.
    expect(await typeCommand(serveUrl, aliceElsewhere, 'status')).toMatch(/^Queued as job [\w-]+\.$/);
    const started = Date.now();
    const acks = await Promise.all(Array.from({ length: COMMANDS }, () => typeCommand(serveUrl, alice, 'status')));
    const jobs = acks.map(queuedJobId);
    expect(jobs.every(Boolean)).toBe(true);
    expect(new Set(jobs).size).toBe(COMMANDS);

    // The channel's burst of posts is spent (5, then one a second) while 8 jobs run at once: their
    // reports wait in the budget, and one more command here is told so, with the wait.
    const okPosts = (c: RecordedCall) => c.params['channel'] === alice.channelId && c.status === 200;
    await slack.waitForCall('chat.postMessage', () => slack.callsTo('chat.postMessage').filter(okPosts).length >= 7, 60_000);
    const busyAck = await typeCommand(serveUrl, alice, 'status');
    expect(busyAck).toMatch(/^Queued as job [\w-]+\. Slack is busy in this channel: the report will follow in about \d+ s\.$/);
    const total = COMMANDS + 1;

    // A report is a message in the channel whose text (posted or edited in) shows the quorum.
    const reports = new Set<string>();
    const isReport = (c: RecordedCall) => c.params['channel'] === alice.channelId && c.status === 200 && /quorum/i.test(String(c.params['text']));
    const allLanded = (c: RecordedCall) => {
      if (isReport(c)) reports.add(messageTs(c) ?? '');
      return reports.size >= total;
    };
    await Promise.any([slack.waitForCall('chat.postMessage', allLanded, 150_000), slack.waitForCall('chat.update', allLanded, 150_000)]);
    const lastReportAt = Date.now() - started;

    const inChannel = slack.calls.filter((c) => c.params['channel'] === alice.channelId);
    const posts = inChannel.filter((c) => c.method === 'chat.postMessage' && c.status === 200).length;
    expect(slack.calls.filter((c) => c.status === 429)).toEqual([]);
    expect(reports.size).toBe(total);
    // The per-channel limit sets a floor: a burst of 6, then one post a second.
    console.info(`slack burst: ${total} reports, ${posts} posts in the channel, floor ${Math.max(0, posts - 6)} s, last report after ${(lastReportAt / 1000).toFixed(1)} s`);
  }, 180_000);
});
