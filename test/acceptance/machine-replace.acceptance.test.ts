/**
 * README promise: `/dev replace <machine>` replaces a worker — through `devbot serve` and
 * `devbot worker` with a config a user writes, AWS reached through AWS_ENDPOINT_URL (the HTTP
 * fake) and fleet through its URL (the fleet fake). The user types the command, reads the preview,
 * clicks Confirm, and reads the report; the instance is gone from its group and the units run again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { startReplaceWorld, type ReplaceWorld } from '../harness/replace-world.js';
import { blockActionsPayload, postInteraction } from '../fakes/slack-signing.js';
import { SIGNING_SECRET, slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';
import { typeCommand, type SlackPlace } from './support/slack-user.js';

const alice: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };

describe('acceptance: /dev replace of a worker through devbot serve and devbot worker', () => {
  let slack: FakeSlackApi;
  let shipped: Shipped;
  let world: ReplaceWorld;
  let serveUrl: string;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    world = await startReplaceWorld({ stackName: 'devbot-prod' });
    shipped = startShipped('machine-replace', { ...slackEnv(inject('redisUrl'), slack.url), ...world.awsEnv });
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'machine-replace',
      etcd: inject('etcd').endpoints,
      prod: `
    fleet:
      url: ${world.fleet.url}
    aws:
      region: eu-west-1
      imageId: ami-0123456789abcdef0
      sshCidr: 203.0.113.0/24
      pollIntervalMs: 200
      etcd: { discoveryUrl: "https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579" }`,
      acl: `
  rules:
    - name: sre
      users: [U0ALICE]
      verbs: [replace, machines]
      channels: [ops]
      environments: [prod]`,
      more: `
alerts:
  enabled: false`,
    }));
    const [serve] = await Promise.all([shipped.serve('serve', config), shipped.worker('worker', config)]);
    serveUrl = serve.url;
  }, 60_000);

  afterAll(async () => {
    await shipped?.stop();
    await world?.close();
    await slack?.close();
  });

  it('previews, and once confirmed terminates the instance, waits for its replacement and reports each step', { timeout: 60_000 }, async () => {
    const { instance, machine } = world.webWorker();
    const typedAt = Date.now();
    expect(await typeCommand(serveUrl, alice, `replace ${machine.ip} --env prod`)).toMatch(/^Preparing a preview/);
    const preview = await slack.waitForCall('chat.postMessage', (c) => c.receivedAt >= typedAt && String(c.params['text']).startsWith(`Confirm /dev replace ${machine.ip} --env prod in prod?`), 20_000);
    const previewText = JSON.stringify(preview.params['blocks']);
    expect(previewText).toContain(`Replace worker ${instance.id} (${machine.ip}, machine ${machine.id.slice(0, 8)}) in prod`);
    expect(previewText).toContain('without lowering its desired capacity');
    const actions = (preview.params['blocks'] as Array<{ type: string; elements?: Array<{ action_id: string; value: string; text: { text: string } }> }>).find((b) => b.type === 'actions');
    const confirm = actions?.elements?.find((e) => e.text.text === 'Confirm');
    expect(confirm, previewText).toBeDefined();
    const res = await postInteraction(serveUrl, SIGNING_SECRET, blockActionsPayload({
      userId: alice.userId, channelId: alice.channelId, channelName: alice.channelName, actionId: confirm!.action_id, value: confirm!.value, messageTs: preview.ts!, responseUrl: slack.responseUrl('confirm-replace'),
    }));
    expect(res.status).toBe(200);
    const end = await slack.waitForCall('chat.update', (c) => /Replace machine .* — (succeeded|failed)/.test(String(c.params['text'])), 45_000);
    const report = JSON.stringify(end.params);
    expect(String(end.params['text']), report).toContain('— succeeded');
    expect(report).toMatch(new RegExp(`Replaced worker ${instance.id} \\(${machine.ip.replace(/\./g, '\\.')}, machine ${machine.id.slice(0, 8)}\\) with i-[0-9a-f]+ \\(`));
    expect(report).toMatch(/Steps: terminate \d+\.\d s · new instance InService \d+\.\d s · in fleet \d+\.\d s · units active again \d+\.\d s\. Units active again: web\.service on [0-9a-f]{8}\./);
    // What AWS and fleet say afterwards: one termination, capacity kept, web.service active on another machine.
    expect(world.aws.requests.filter((r) => r.action === 'TerminateInstanceInAutoScalingGroup')).toHaveLength(1);
    expect(world.group('WorkerGroup').desired).toBe(2);
    const web = world.fleet.states().find((s) => s.name === 'web.service');
    expect(web?.systemdActiveState).toBe('active');
    expect(web?.machineID).not.toBe(machine.id);
  });
});
