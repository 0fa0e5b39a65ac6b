/**
 * The README's headline promise, through `devbot worker` alone: alerts when etcd loses quorum or a
 * member. Two workers (replicas must not duplicate anything) evaluate a 3-member etcd of this
 * file's own; the test kills and restarts members and watches only the Slack Web API fake.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { startMember, stopMember } from '../../tools/local-cluster/members.js';
import { isEtcdHealthy } from '../../tools/local-cluster/etcd.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { postsIn, waitForText } from './support/channel-messages.js';
import { slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';

describe('acceptance: alerts from devbot worker', () => {
  let slack: FakeSlackApi;
  let cluster: LocalCluster;
  let shipped: Shipped;

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    cluster = await startLocalCluster();
    shipped = startShipped('alerts', slackEnv(cluster.redisUrl, slack.url));
    const config = shipped.writeConfig('devbot', `
redis:
  prefix: devbot
ops:
  workerPort: 0
environments:
  prod:
    etcd:
      endpoints: [${cluster.etcd.endpoints.join(', ')}]
channels:
  ops:
    id: C0ALERTS
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
`);
    await Promise.all([shipped.worker('worker-1', config), shipped.worker('worker-2', config)]);
  });

  afterEach(async () => {
    await Promise.all(['e1', 'e2', 'e3'].map((m) => startMember(cluster.stateFile, m)));
    await waitFor('all members healthy', async () => (await Promise.all(cluster.etcd.endpoints.map((u) => isEtcdHealthy(u, 500)))).every(Boolean), { timeoutMs: 20_000, intervalMs: 100 });
  });

  afterAll(async () => {
    await shipped?.stop();
    await cluster?.stop();
    await slack?.close();
  });

  it('quorum lost: exactly one alert within 5 s; members back: the same message resolved within 5 s', async () => {
    const killedAt = Date.now();
    await Promise.all([stopMember(cluster.stateFile, 'e2'), stopMember(cluster.stateFile, 'e3')]);
    const alert = await waitForText(slack, 'C0ALERTS', /^CRITICAL: etcd in prod has lost quorum/, 10_000);
    expect(alert.receivedAt - killedAt).toBeLessThan(5_000);
    expect(String(alert.params['text'])).toMatch(/e2[\s\S]*e3/);

    const restartedAt = Date.now();
    await Promise.all([startMember(cluster.stateFile, 'e2'), startMember(cluster.stateFile, 'e3')]);
    const resolved = await slack.waitForCall('chat.update', (c) => c.params['ts'] === alert.ts && /^RESOLVED after \d+ s: .*lost quorum/.test(String(c.params['text'])), 10_000);
    expect(resolved.receivedAt - restartedAt).toBeLessThan(5_000);
    expect(postsIn(slack, 'C0ALERTS', /lost quorum/)).toHaveLength(1);
  });

  it('one member down: a member-unreachable warning, resolved in place when it returns, and no quorum alert', async () => {
    const before = postsIn(slack, 'C0ALERTS', /lost quorum/).length;
    const killedAt = Date.now();
    await stopMember(cluster.stateFile, 'e3');
    const warning = await waitForText(slack, 'C0ALERTS', /^WARNING: etcd member e3 in prod is unreachable/, 10_000);
    expect(warning.receivedAt - killedAt).toBeLessThan(5_000);
    await startMember(cluster.stateFile, 'e3');
    await slack.waitForCall('chat.update', (c) => c.params['ts'] === warning.ts && /^RESOLVED/.test(String(c.params['text'])), 15_000);
    expect(postsIn(slack, 'C0ALERTS', /lost quorum/)).toHaveLength(before);
    expect(postsIn(slack, 'C0ALERTS', /e3 in prod is unreachable/)).toHaveLength(1);
  });
});
