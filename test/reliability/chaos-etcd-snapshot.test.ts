/**
 * Chaos during `/dev etcd snapshot` to S3 (s3rver), with real processes: one `devbot serve`, the
 * workers, a Redis of the test's own, the run's etcd. The upload is caught in flight by a proxy in
 * front of the S3 server (the request has begun and waits in the middle of its body); then the
 * worker is SIGKILLed, or Redis restarted. The job must end once, succeeded, with one verified
 * backup more in the bucket: no half-written one, none twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createS3Backups } from '../../src/adapters/s3/s3-backups.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../harness/s3-server.js';
import { uniqueName } from '../harness/unique.js';
import { startChaosRig, type ChaosRig } from './chaos-rig.js';
import { startHoldingProxy, type HoldingProxy } from './holding-proxy.js';

const BUCKET = 'devbot-chaos-snapshots';

describe('chaos during /dev etcd snapshot', () => {
  let s3: S3Server;
  let proxy: HoldingProxy;
  let rig: ChaosRig;
  let workers: DevbotProcess[] = [];
  let current: string | undefined;
  const prefix = uniqueName('chaos-snap');
  // The bucket as anyone reading it sees it, straight from the S3 server (not through the proxy).
  const bucket = () => createS3Backups({ environment: 'local', bucket: BUCKET, prefix, endpoint: s3.url, credentials: S3RVER_CREDENTIALS });
  const stored = async () => {
    const b = bucket();
    try {
      return (await b.list('local')).map((e) => e.location).sort();
    } finally {
      b.close();
    }
  };

  beforeAll(async () => {
    s3 = await startS3Server([BUCKET]);
    proxy = await startHoldingProxy(s3.url);
    rig = await startChaosRig({
      label: 'chaos-snapshot',
      etcdEndpoints: inject('etcd').endpoints,
      // A day apart: only the first scheduled snapshot (BullMQ runs a new schedule at once) falls in this run.
      etcd: `backup: { intervalMs: 86400000, destination: { s3: { bucket: ${BUCKET}, prefix: ${prefix}, endpoint: "${proxy.url}", region: us-east-1 } } }`,
      workerEnv: { AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey },
      // Every worker is started now (one spare for the kill): a worker that starts writes the snapshot schedule again.
      workers: 3,
    });
    workers = rig.workers;
    // The schedule's first snapshot has run to its end, so the cases count only their own.
    await waitFor('the first scheduled snapshot to end', async () => {
      const counts = await rig.inst.queue.counts();
      return counts.active === 0 && counts.waiting === 0 && (await stored()).length >= 1;
    }, { timeoutMs: 60_000, intervalMs: 200 });
  }, 120_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail' && current) console.log(`[chaos-snapshot] ${rig.diagnose(current)}`);
    current = undefined;
    proxy?.release();
  });

  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
    await s3?.close();
  });

  /** Queues a snapshot and resolves once its upload has begun and is held mid-way, with the worker running it. */
  async function snapshotHeldMidUpload(): Promise<{ jobId: string; runner: DevbotProcess; before: string[] }> {
    const before = await stored();
    const held = proxy.holdNext(`PUT /${BUCKET}/`);
    const jobId = (current = await rig.queue('etcd snapshot'));
    const runner = await Promise.any(workers.map(async (w) => (await rig.waitUntilRunning(w, jobId), w)));
    await held;
    return { jobId, runner, before };
  }

  /** One message, succeeded and verified; exactly one backup more in the bucket, the one the message names. */
  async function expectOneVerifiedBackup(jobId: string, before: string[], opts: { resumed?: boolean } = {}): Promise<void> {
    await expect(rig.inst.queue.waitUntilFinished(jobId, 60_000)).resolves.toEqual({ state: 'completed' });
    const final = String((await rig.inst.finalUpdate(jobId, 'succeeded', 30_000)).params['text']);
    if (opts.resumed) expect(final).toMatch(/resumed once after a worker was lost/);
    expect(rig.inst.fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === undefined && String(c.params['text']).includes(`job ${jobId}`))).toHaveLength(1);
    const after = await stored();
    const added = after.filter((l) => !before.includes(l));
    expect(added).toHaveLength(1);
    expect(before.filter((l) => !after.includes(l))).toEqual([]);
    expect(final).toContain(`Snapshot ${added[0]!}`);
    expect(final).toContain('Verified: read back with the same size and SHA-256');
  }

  it('SIGKILL mid-upload: another worker resumes the job and uploads one verified backup', { timeout: 90_000 }, async () => {
    const { jobId, runner, before } = await snapshotHeldMidUpload();
    await rig.inst.group.kill(runner, 'SIGKILL');
    workers = workers.filter((w) => w !== runner);
    proxy.release();
    await rig.waitForThread(jobId, 'Resumed on another worker', 30_000);
    await expectOneVerifiedBackup(jobId, before, { resumed: true });
  });

  it('Redis restarted mid-upload: the job ends once with one verified backup', { timeout: 90_000 }, async () => {
    const { jobId, before } = await snapshotHeldMidUpload();
    await rig.restartRedis();
    proxy.release();
    await expectOneVerifiedBackup(jobId, before);
  });
});
