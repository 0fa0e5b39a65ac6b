/**
 * The other side of a fast resume (WORKER_TIMINGS: a 2 s lock, so a dead worker's job moves on in
 * about 2 s): a worker that is alive but busy must keep its job. BullMQ renews the lock from the
 * event loop, so CPU-bound work that blocks the loop for 1 s — several times in a row — is the case
 * that would lose it. Real `devbot serve` and two `devbot worker` processes (the scripted kind of
 * test/harness/recorded-steps-job.ts, whose `b<ms>` steps block the loop); the idle worker stands
 * ready to take the job over, and must not.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startFleet, type Fleet } from '../harness/devbot-fleet.js';

describe('a busy worker keeps its job', () => {
  let fleet: Fleet;
  let serve: DevbotProcess;
  let workers: DevbotProcess[];

  beforeAll(async () => {
    fleet = await startFleet({ label: 'busy', redis: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints });
    [serve, ...workers] = await Promise.all([fleet.startServe('serve'), fleet.startWorker('worker-1'), fleet.startWorker('worker-2')]);
    await fleet.waitForWorkers(2);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('with its event loop blocked for 1 s in each of 4 steps: no takeover, no second run, one message', async () => {
    const steps = 4;
    const res = await fleet.command(serve, `deploy busy-web --version ${steps}x1300b1000`, { triggerId: 'busy-trigger-1' });
    const jobId = /Queued as job (deploy-[0-9a-f]+)/.exec(res.body)?.[1];
    expect(jobId, res.body).toBeDefined();
    if (!jobId) return;

    await expect(fleet.queue.waitUntilFinished(jobId, 30_000)).resolves.toEqual({ state: 'completed' });
    const final = await fleet.finalUpdate(jobId, 'succeeded');
    expect(String(final.params['text'])).not.toMatch(/resumed/i);
    expect(fleet.jobMessages(jobId)).toHaveLength(1);

    // One run, in one process, every step once; and each step really held the loop for its second.
    const log = await fleet.eventLog(jobId);
    const runs = log.filter((e) => e.event === 'run');
    expect(runs).toHaveLength(1);
    expect(new Set(log.map((e) => e.pid)).size).toBe(1);
    expect(await fleet.stepCounts(jobId, steps)).toEqual(Object.fromEntries(Array.from({ length: steps }, (_, i) => [`step-${i + 1}`, { started: 1, done: 1 }])));
    for (const step of ['step-1', 'step-2', 'step-3', 'step-4']) {
      const [start, done] = [log.find((e) => e.step === step && e.event === 'step-start')!, log.find((e) => e.step === step && e.event === 'step-done')!];
      expect(done.at - start.at).toBeGreaterThanOrEqual(1250);
    }
    // Neither worker thought the lease lost, nor did BullMQ call the job stalled.
    for (const w of workers) {
      const text = readFileSync(w.logFile, 'utf8');
      expect(text).not.toMatch(/lost the lease|lease on the job lost|could not renew lock/);
    }
  });
});
