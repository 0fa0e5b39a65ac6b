/**
 * The `etcd-backup-stale` alert, end to end: scheduled snapshot jobs run by a real worker (BullMQ
 * on the run's Redis) against the run's etcd, backups in a local directory, attempts in Redis, the
 * alert evaluation reading them, the Slack Web API fake showing what the channel sees. The clock of
 * the evaluation is injected, so "older than twice the interval" needs no waiting.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSnapshotTools } from '../../src/adapters/etcd/snapshot-tools.js';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { evaluateAlerts } from '../../src/alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../../src/alerts/rules/index.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { loadConfig } from '../../src/config/load-config.js';
import { scheduledJobData } from '../../src/jobs/etcd/snapshot/backup-schedules.js';
import { silentLogger } from '../../src/log.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { uniqueName } from '../harness/unique.js';

describe('the etcd-backup-stale alert', () => {
  let fake: FakeSlackApi;
  let deps: BuiltDeps;
  let worker: WorkerHandle;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    dir = mkdtempSync(join(tmpdir(), 'devbot-stale-backups-'));
    const config = loadConfig({
      documents: [`
redis: { prefix: ${uniqueName('stale')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local:
    etcd:
      endpoints: [${inject('etcd').endpoints.join(', ')}]
      backup: { intervalMs: 60000, destination: { dir: ${dir} } }
channels:
  ops: { id: C_OPS, environment: local }
alerts: { rules: { etcd-backup-stale: { forMs: 0 } } }
`],
      env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-stale', DEVBOT_SLACK_API_URL: fake.url },
    });
    deps = buildDeps(config, silentLogger());
    worker = startBullmqWorker(deps);
  });

  afterAll(async () => {
    await worker?.close();
    await deps?.close();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One tick of the snapshot schedule: the job it queues, run by the worker. */
  async function scheduledSnapshot(): Promise<{ state: string; reason?: string }> {
    const jobId = `etcd-scheduled-${randomUUID().slice(0, 10)}`;
    await deps.queue.enqueue(scheduledJobData('snapshot', 'local', new Date()), { jobId });
    return deps.queue.waitUntilFinished(jobId, 30_000);
  }
  const evaluate = (at: Date) => evaluateAlerts({ ...deps, rules: ALERT_RULES, now: () => at });
  const backupAlerts = () => fake.callsTo('chat.postMessage').filter((c) => /etcd backup|etcd snapshots/.test(String(c.params['text'])));
  const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);

  it('fires when the newest backup is older than twice the interval, and resolves in the same message when a fresh one lands', async () => {
    expect(await scheduledSnapshot()).toEqual({ state: 'completed' });
    await evaluate(new Date());
    expect(backupAlerts()).toEqual([]);

    await evaluate(minutesFromNow(2.5));
    const [alert] = backupAlerts();
    expect(alert?.params['channel']).toBe('C_OPS');
    expect(String(alert?.params['text'])).toMatch(/^WARNING: The newest etcd backup of local is 2 min old \(one is due every 1 min\)[\s\S]*\/dev etcd snapshot/);

    expect(await scheduledSnapshot()).toEqual({ state: 'completed' });
    await evaluate(new Date());
    const resolved = fake.callsTo('chat.update').filter((c) => c.params['ts'] === alert!.ts && /^RESOLVED after /.test(String(c.params['text'])));
    expect(resolved).toHaveLength(1);
    expect(String(resolved[0]!.params['text'])).toContain('The newest etcd backup of local is 2 min old');
  });

  it('fires when the last scheduled snapshot failed (with its error), and resolves when the next one lands', async () => {
    const tools = deps.snapshotTools;
    deps.snapshotTools = createSnapshotTools({ etcdctl: 'etcdctl-not-installed-here' });
    try {
      expect((await scheduledSnapshot()).state).toBe('failed');
    } finally {
      deps.snapshotTools = tools;
    }
    const since = Date.now();
    await evaluate(new Date());
    const shown = [...fake.callsTo('chat.postMessage'), ...fake.callsTo('chat.update')].filter((c) => c.receivedAt >= since && /etcd snapshots of local are failing/.test(String(c.params['text'])));
    expect(shown.length).toBeGreaterThan(0);
    expect(String(shown.at(-1)!.params['text'])).toMatch(/^WARNING: etcd snapshots of local are failing: the last one failed \d+ s ago[\s\S]*`etcdctl-not-installed-here` is not installed on this worker's host/);

    expect(await scheduledSnapshot()).toEqual({ state: 'completed' });
    const resolvedSince = Date.now();
    await evaluate(new Date());
    expect(fake.callsTo('chat.update').filter((c) => c.receivedAt >= resolvedSince && /^RESOLVED after .*etcd snapshots of local are failing/.test(String(c.params['text'])))).toHaveLength(1);
  });
});
