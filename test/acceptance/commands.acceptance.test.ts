/**
 * The README's Quick start and Commands, through what a user runs: `devbot serve` + `devbot worker`
 * with a config file as the README writes it, Slack reached only at the wire (signed slash commands
 * in, the Web API fake out).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { waitForText } from './support/channel-messages.js';
import { slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';
import { queuedJobId, typeCommand, type SlackPlace } from './support/slack-user.js';

const alice: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };
const carol: SlackPlace = { userId: 'U0CAROL', channelId: 'C0OPS', channelName: 'ops' };
// A channel set up for devbot that nobody invited it to: Slack refuses devbot's posts there.
const aliceInLab: SlackPlace = { userId: 'U0ALICE', channelId: 'C0LAB', channelName: 'lab' };

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
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'commands',
      etcd: inject('etcd').endpoints,
      prod: `
    aws:
      region: eu-west-1
      imageId: ami-0123456789abcdef0
      sshCidr: 203.0.113.0/24
      etcd: { discoveryUrl: "https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579" }`,
      channels: `
  ops:
    id: C0OPS
    environment: prod
  lab:
    id: C0LAB
    environment: prod`,
      acl: `
  groups:
    sre: [U0ALICE]
  rules:
    - name: sre-everything
      groups: [sre]
      verbs: ['*']
      channels: [ops, lab]
      environments: [prod]
    - name: carol-looks
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

  it('/dev status is queued at once and the report, with quorum, lands in the channel in one post', async () => {
    const ack = await typeCommand(serveUrl, alice, 'status');
    expect(ack).toMatch(/Queued as job status-/);
    const jobId = queuedJobId(ack)!;
    const report = await waitForText(slack, 'C0OPS', new RegExp(`quorum[\\s\\S]*\\(job ${jobId}, checked in \\d+ ms\\)`, 'i'));
    expect(String(report.params['text'])).toMatch(/prod/);
    expect(report.authorized).toBe(true);
    // The job's one message in the channel (its thread aside): the report itself, posted once.
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.params['channel'] === 'C0OPS' && c.params['thread_ts'] === undefined && String(c.params['text']).includes(`(job ${jobId},`));
    expect(posts).toHaveLength(1);
    // Ready within the message's first second (the report says how long the check took), it was
    // never a "running" message edited into the report: the post carries the report, and nothing edits it.
    const tookMs = Number(/checked in (\d+) ms/.exec(String(report.params['text']))![1]);
    if (tookMs < 500) {
      expect(report.method).toBe('chat.postMessage');
      expect(posts[0]).toBe(report);
      expect(slack.callsTo('chat.update').filter((c) => c.params['ts'] === report.ts)).toEqual([]);
    }
  });

  it('in a channel devbot was not invited to, the requester still gets the result and what to do, through the command’s response_url', async () => {
    slack.refuseChannel('C0LAB', 'not_in_channel');
    const ack = await typeCommand(serveUrl, aliceInLab, 'status', { responseUrl: slack.responseUrl('lab-status') });
    const jobId = queuedJobId(ack)!;
    expect(jobId).toMatch(/^status-/);
    const told = await slack.waitForCall('response_url', (c) => c.responseId === 'lab-status' && JSON.stringify(c.params).includes(jobId), 20_000);
    expect(told.params['response_type']).toBe('ephemeral');
    expect(String(told.params['text'])).toMatch(new RegExp(`^devbot could not post job ${jobId} in this channel \\(Slack said \`not_in_channel\`\\): invite @devbot to #lab \\(\`/invite @devbot\` there\\) to see its messages\\. Its result, for you only:\\nStatus of prod\\n[\\s\\S]*quorum`));
    // It gave up on the channel instead of retrying it for half a minute: one first try, one last.
    expect(slack.calls.filter((c) => c.params['channel'] === 'C0LAB' && c.method.startsWith('chat.')).length).toBeLessThanOrEqual(2);
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
