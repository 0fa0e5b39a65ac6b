/**
 * Scheduled snapshots through the shipped `devbot worker --config <file>` (two of them, as a
 * deployment runs replicas): every worker registers one job scheduler per environment with
 * `etcd.backup`, verified backups land in a real S3 server (s3rver) and in a local directory at
 * the configured interval, nothing is posted to Slack, and a schedule whose config is gone is removed.
 */
import { Queue } from 'bullmq';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDirBackups } from '../../src/adapters/fs/dir-backups.js';
import { createS3Backups } from '../../src/adapters/s3/s3-backups.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { createProcessGroup, type DevbotProcess, type ProcessGroup } from '../harness/devbot-processes.js';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../harness/s3-server.js';
import { uniqueName } from '../harness/unique.js';

const BUCKET = 'devbot-scheduled';

describe('scheduled etcd snapshots in devbot worker', () => {
  const redisPrefix = uniqueName('backup-schedule');
  const queueName = uniqueName('q');
  const s3Prefix = uniqueName('etcd');
  let group: ProcessGroup;
  let s3: S3Server;
  let slack: FakeSlackApi;
  let dir: string;
  let queue: Queue;

  const configWith = (dirBackup: string): string => {
    const endpoints = inject('etcd').endpoints.join(', ');
    const file = join(group.dir, `${uniqueName('cfg')}.yaml`);
    writeFileSync(file, `
redis: { prefix: ${redisPrefix} }
jobs: { queue: ${queueName} }
ops: { workerPort: 0 }
environments:
  cloud:
    etcd:
      endpoints: [${endpoints}]
      backup: { intervalMs: 1000, destination: { s3: { bucket: ${BUCKET}, prefix: ${s3Prefix} } } }
  onprem:
    etcd:
      endpoints: [${endpoints}]
      ${dirBackup}
channels:
  ops: { id: C_OPS, environment: cloud }
alerts: { enabled: false }   # only the scheduled jobs could post here
`);
    return file;
  };
  const live = new Set<DevbotProcess>();
  const startWorker = async (name: string, configFile: string): Promise<DevbotProcess> => {
    const w = await group.startShipped('worker', name, { configFile, env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-backups', DEVBOT_SLACK_API_URL: slack.url, ...s3.env } });
    live.add(w);
    return w;
  };
  /** A graceful stop finishes the job in hand (a drill may have started), which stops its own throwaway etcd. */
  const stopWorker = async (w: DevbotProcess) => {
    live.delete(w);
    await group.kill(w, 'SIGTERM');
  };
  const schedulers = async () => (await queue.getJobSchedulers()).filter((s) => s.key.startsWith('etcd-')).map((s) => `${s.key} every ${s.every}`).sort();
  const cloudBackups = () => createS3Backups({ environment: 'cloud', bucket: BUCKET, prefix: s3Prefix, endpoint: s3.url, credentials: S3RVER_CREDENTIALS }).list();
  const onpremBackups = () => createDirBackups({ environment: 'onprem', dir }).list();

  beforeAll(async () => {
    group = createProcessGroup('backup-schedule');
    s3 = await startS3Server([BUCKET]);
    slack = await startFakeSlackApi();
    dir = mkdtempSync(join(tmpdir(), 'devbot-scheduled-dir-'));
    queue = new Queue(queueName, { connection: { url: inject('redisUrl') } as never, prefix: redisPrefix });
  });

  afterAll(async () => {
    await Promise.all([...live].map(stopWorker));
    await group?.stop();
    await queue?.close();
    await s3?.close();
    await slack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two workers: one scheduler per environment; snapshots land every interval in S3 and in the directory, verified, and nothing is posted', { timeout: 60_000 }, async () => {
    const configFile = configWith(`backup: { intervalMs: 1000, destination: { dir: ${dir} } }`);
    const workers = await Promise.all([startWorker('w1', configFile), startWorker('w2', configFile)]);
    await Promise.all(workers.map((w) => group.waitForLog(w, '"msg":"etcd backup schedules registered"')));
    expect(await schedulers()).toEqual(['etcd-snapshot-cloud every 1000', 'etcd-snapshot-onprem every 1000']);

    // Nothing announces a backup landing: look at the destinations, bounded.
    const startedAt = Date.now();
    await waitFor('three backups in S3 and three in the directory', async () => (await cloudBackups()).length >= 3 && (await onpremBackups()).length >= 3, { timeoutMs: 30_000, intervalMs: 200 });
    const [cloud, onprem] = [await cloudBackups(), await onpremBackups()];
    for (const b of [...cloud, ...onprem]) expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(cloud[0]!.location).toMatch(new RegExp(`^s3://${BUCKET}/${s3Prefix}/cloud/\\d{8}T\\d{6}\\.\\d{3}Z-rev\\d+\\.db$`));
    expect(onprem[0]!.location).toMatch(new RegExp(`^${dir}/onprem/\\d{8}T\\d{6}\\.\\d{3}Z-rev\\d+\\.db$`));
    // One per tick, not one per worker per tick: at most one backup per interval and environment (plus the first).
    expect(cloud.length).toBeLessThanOrEqual(2 + Math.ceil((Date.now() - startedAt) / 1000));
    await Promise.all(workers.map((w) => group.waitForLog(w, '"msg":"etcd snapshot taken and verified"')));
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('a worker started without backup for an environment removes its scheduler; a drill interval adds one', { timeout: 60_000 }, async () => {
    const w = await startWorker('w3', configWith(''));
    await group.waitForLog(w, '"msg":"etcd backup schedules registered"');
    expect(await schedulers()).toEqual(['etcd-snapshot-cloud every 1000']);
    await stopWorker(w);

    const v = await startWorker('w4', configWith(`backup: { intervalMs: 60000, destination: { dir: ${dir} }, drill: { intervalMs: 604800000 } }`));
    await group.waitForLog(v, '"msg":"etcd backup schedules registered"');
    expect(await schedulers()).toEqual(['etcd-drill-onprem every 604800000', 'etcd-snapshot-cloud every 1000', 'etcd-snapshot-onprem every 60000']);
    await Promise.all([...live].map(stopWorker));
  });
});
