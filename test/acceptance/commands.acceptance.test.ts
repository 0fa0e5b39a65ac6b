/**
 * The README's Quick start and Commands, through what a user runs: `devbot serve` + `devbot worker`
 * with a config file as the README writes it, Slack reached only at the wire (signed slash commands
 * in, the Web API fake out).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { waitForText } from './support/channel-messages.js';
import { slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { queuedJobId, typeCommand, type SlackPlace } from './support/slack-user.js';

const alice: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };
const carol: SlackPlace = { userId: 'U0CAROL', channelId: 'C0OPS', channelName: 'ops' };

describe('acceptance: /dev through devbot serve and devbot worker', () => {
  let slack: FakeSlackApi;
  let shipped: Shipped;
  let serveUrl: string;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    shipped = startShipped('commands', {
      ...slackEnv(inject('redisUrl'), slack.url),
      // No AWS credentials anywhere: the stack verbs must say how to configure them.
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
    });
    const config = shipped.writeConfig('devbot', `
slack:
  port: 0
redis:
  prefix: acceptance-commands
jobs:
  queue: acceptance-commands
ops:
  workerPort: 0
  servePort: 0
environments:
  prod:
    etcd:
      endpoints: [${inject('etcd').endpoints.join(', ')}]
    aws:
      region: eu-west-1
      imageId: ami-0123456789abcdef0
      sshCidr: 203.0.113.0/24
      etcd: { discoveryUrl: "https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579" }
channels:
  ops:
    id: C0OPS
    environment: prod
acl:
  groups:
    sre: [U0ALICE]
  rules:
    - name: sre-everything
      groups: [sre]
      verbs: ['*']
      channels: [ops]
      environments: [prod]
    - name: carol-looks
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

  it('/dev status is queued at once and the report, with quorum, lands in the channel', async () => {
    const ack = await typeCommand(serveUrl, alice, 'status');
    expect(ack).toMatch(/Queued as job status-/);
    const report = await waitForText(slack, 'C0OPS', /quorum/i);
    expect(String(report.params['text'])).toMatch(/prod/);
    expect(report.authorized).toBe(true);
  });

  it('an ACL denial names what is missing, and nothing is queued', async () => {
    const before = slack.callsTo('chat.postMessage').length;
    const ack = await typeCommand(serveUrl, carol, 'deploy gerrit');
    expect(ack).toMatch(/`deploy` is not allowed for you/);
    expect(ack).toMatch(/status/); // what carol may run instead
    expect(queuedJobId(ack)).toBeUndefined();
    const jobs = await typeCommand(serveUrl, alice, 'jobs --all');
    expect(jobs).not.toMatch(/deploy gerrit/);
    expect(slack.callsTo('chat.postMessage').slice(before).some((c) => /gerrit/.test(String(c.params['text'])))).toBe(false);
  });

  it('bad input is answered with usage, and no job is queued', async () => {
    const unknown = await typeCommand(serveUrl, alice, 'frobnicate now');
    expect(unknown).toMatch(/frobnicate/);
    expect(unknown).toMatch(/\/dev help|usage/i);
    const badFlag = await typeCommand(serveUrl, alice, 'status --colour red');
    expect(badFlag).toMatch(/--colour/);
    expect(queuedJobId(unknown)).toBeUndefined();
    expect(queuedJobId(badFlag)).toBeUndefined();
    const jobs = await typeCommand(serveUrl, alice, 'jobs --all');
    expect(jobs).not.toMatch(/frobnicate|colour/);
  });

  it('a stack verb without AWS credentials says how to configure AWS', async () => {
    const ack = await typeCommand(serveUrl, alice, 'stack diff');
    const jobId = queuedJobId(ack);
    expect(jobId).toMatch(/^stack/);
    const answer = await waitForText(slack, 'C0OPS', /AWS is not configured/, 15_000);
    expect(String(answer.params['text'])).toMatch(/credentials/);
  });
});
