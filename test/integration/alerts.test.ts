import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateAlerts } from '../../src/alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../../src/alerts/rules/index.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { freezeMembers, restoreCluster, startMembers, stopMembers, waitForQuorum } from '../harness/cluster-control.js';
import { createProcessGroup, type ProcessGroup } from '../harness/devbot-processes.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';

/**
 * The watcher end to end: two shipped `devbot worker` processes register the BullMQ job scheduler
 * (an evaluation every 2 s, the default) and run it against the real 3-member etcd; alerts reach
 * the fake Slack Web API. The test process builds the same config's deps only to drive 30
 * evaluations back to back (a minute of ticks, in a second) and to read the alert store.
 */
describe('alerts on a real 3-member etcd', () => {
  let fake: Awaited<ReturnType<typeof startFakeSlackApi>>;
  let deps: BuiltDeps;
  let group: ProcessGroup;
  let workers: Awaited<ReturnType<ProcessGroup['startShipped']>>[];

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    group = createProcessGroup('alerts');
    const yaml = `
redis: { prefix: ${uniqueName('alerts')} }
jobs: { queue: ${uniqueName('q')} }
ops: { workerPort: 0 }
environments:
  local: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }
channels:
  ops: { id: C_ALERTS, environment: local }
alerts:
  rules:
    etcd-quorum-lost: { runbook: 'https://wiki.example.com/runbooks/etcd-quorum' }
`;
    const env = { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-alerts', DEVBOT_SLACK_API_URL: fake.url };
    deps = buildDeps(loadConfig({ documents: [yaml], env }), silentLogger());
    const configFile = join(group.dir, 'devbot.yaml');
    writeFileSync(configFile, yaml);
    workers = await Promise.all(['w1', 'w2'].map((name) => group.startShipped('worker', name, { configFile, env })));
    await Promise.all(workers.map((w) => group.waitForLog(w, '"msg":"alert evaluation scheduled"')));
    // Timed cases start once an evaluation has run: a worker's first one also connects to etcd.
    await Promise.any(workers.map((w) => group.waitForLog(w, '"msg":"job finished"', 20_000)));
  });

  afterEach(async () => {
    await restoreCluster();
    // The next case starts from no open alert: one still firing (a member that came back last) would
    // turn its alert into an update of that message instead of a new one.
    const deadline = Date.now() + 20_000;
    while ((await deps.alertStore.load()).some((a) => a.status !== 'resolved')) {
      if (Date.now() > deadline) throw new Error(`alerts still open after the cluster was restored: ${JSON.stringify((await deps.alertStore.load()).filter((a) => a.status !== 'resolved').map((a) => a.key))}`);
      await new Promise((resolve) => setTimeout(resolve, 100)); // polling the store: no event to wait on
    }
  });

  afterAll(async () => {
    await group?.stop();
    await deps?.close();
    await fake?.close();
  });

  const posts = (since: number, pattern: RegExp) => fake.callsTo('chat.postMessage').filter((c) => c.receivedAt >= since && pattern.test(String(c.params['text'])));

  /** Waits until the alert's message has been updated to "resolved" (every alert from `since` cleared). */
  async function resolvedAfter(since: number, pattern: RegExp) {
    return fake.waitForCall('chat.update', (c) => c.receivedAt >= since && /^RESOLVED after \d+ s: /.test(String(c.params['text'])) && pattern.test(String(c.params['text'])), 15_000);
  }

  it('kill 2 members: exactly one "quorum lost" alert within 5 s; restart: the same message says resolved within 5 s', async () => {
    const killedAt = Date.now();
    await stopMembers(['e2', 'e3']);
    const alert = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= killedAt && /lost quorum/.test(String(c.params['text'])), 10_000);
    expect(alert.receivedAt - killedAt).toBeLessThan(5000);
    // Told by the broken member streams, not found on the next tick.
    await Promise.any(workers.map((w) => group.waitForLog(w, '"msg":"etcd member stream changed; evaluating alerts now"', 5_000)));
    expect(alert.params['channel']).toBe('C_ALERTS');
    expect(String(alert.params['text'])).toMatch(/^CRITICAL: etcd in local has lost quorum[\s\S]*e2 .* unreachable[\s\S]*e3 .* unreachable[\s\S]*What to do: Bring back e2, e3[\s\S]*Runbook: https:\/\/wiki.example.com\/runbooks\/etcd-quorum/);
    expect(JSON.stringify(alert.params['blocks'])).toContain('devbot_status');

    const restartedAt = Date.now();
    await startMembers(['e2', 'e3']);
    const resolved = await resolvedAfter(restartedAt, /lost quorum/);
    expect(resolved.receivedAt - restartedAt).toBeLessThan(5000);
    expect(posts(killedAt, /lost quorum/)).toHaveLength(1); // no second message: the first one was updated
    // While quorum was lost its alert named the members: no member warning beside it. (After the
    // restart, a member that comes back a moment after the other is rightly warned about.)
    expect(posts(killedAt, /unreachable/).filter((c) => c.receivedAt < restartedAt && /^WARNING/.test(String(c.params['text'])))).toHaveLength(0);
  });

  it('kill 1 member: a member-down warning and no quorum alert', async () => {
    const killedAt = Date.now();
    await stopMembers(['e3']);
    // Run after the kill-2 test, e3 may have been warned about there (it came back a moment after
    // e2): its old message then flips back (an update that counts the flap) instead of a new post.
    const e3Down = (c: { receivedAt: number; params: Record<string, unknown> }) => c.receivedAt >= killedAt && /^WARNING: etcd member e3 in local is unreachable/.test(String(c.params['text']));
    const warning = await Promise.any([fake.waitForCall('chat.postMessage', e3Down, 10_000), fake.waitForCall('chat.update', e3Down, 10_000)]);
    expect(warning.receivedAt - killedAt).toBeLessThan(5000);
    if (warning.method === 'chat.update') expect(String(warning.params['text'])).toMatch(/flapped \d+ times?/);
    await startMembers(['e3']);
    await waitForQuorum();
    await resolvedAfter(killedAt, /e3/);
    expect(posts(killedAt, /lost quorum/)).toHaveLength(0);
  });

  it('SIGSTOP 2 members: quorum loss is detected too, one message at most, and the watcher does not stall', async () => {
    const frozenAt = Date.now();
    await freezeMembers(['e2', 'e3']);
    // Run after the kill test, the alert re-fires within `repeat`: its old message flips back (an
    // update that counts the flap). Run alone, it is a new post. Either way, one message.
    const quorumLost = (c: { receivedAt: number; params: Record<string, unknown> }) => c.receivedAt >= frozenAt && /^CRITICAL: etcd in local has lost quorum/.test(String(c.params['text']));
    const alert = await Promise.any([fake.waitForCall('chat.update', quorumLost, 10_000), fake.waitForCall('chat.postMessage', quorumLost, 10_000)]);
    expect(alert.receivedAt - frozenAt).toBeLessThan(5000);
    if (alert.method === 'chat.update') expect(String(alert.params['text'])).toMatch(/flapped 1 time/);
    await restoreCluster();
    await resolvedAfter(frozenAt, /lost quorum/);
    expect(posts(frozenAt, /lost quorum/).length).toBeLessThanOrEqual(1);
  });

  it('a healthy cluster over 60 s worth of evaluations raises no alert at all', async () => {
    await waitForQuorum();
    // Its own alert state and Slack, so what the shipped workers post about the other cases (a
    // leader change after a restart, say) cannot be mistaken for what these evaluations raise.
    const quiet = await startFakeSlackApi();
    const own = buildDeps(loadConfig({ documents: [`
redis: { prefix: ${uniqueName('alerts-quiet')} }
environments:
  local: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }
channels:
  ops: { id: C_ALERTS, environment: local }
`], env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-alerts', DEVBOT_SLACK_API_URL: quiet.url } }), silentLogger());
    try {
      // 30 evaluations back to back: what the 2 s default interval does in a minute.
      for (let i = 0; i < 30; i++) await evaluateAlerts({ ...own, rules: ALERT_RULES });
      expect(quiet.callsTo('chat.postMessage')).toHaveLength(0);
      expect((await own.alertStore.load()).filter((a) => a.status !== 'resolved')).toEqual([]);
    } finally {
      await own.close();
      await quiet.close();
    }
  });
});
