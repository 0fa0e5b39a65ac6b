/**
 * Crash safety with real processes: one `devbot serve` and two `devbot worker` on the run's Redis.
 * A worker is SIGKILLed in the middle of a job; the other must resume it within 10 s in the same
 * Slack message, say so, and not run again a step that had finished.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKER_TIMINGS } from '../../src/adapters/bullmq/bullmq-worker.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startFleet, type Fleet } from '../harness/devbot-fleet.js';

describe('crash safety: a worker killed with SIGKILL in the middle of a job', () => {
  let fleet: Fleet;
  let serve: DevbotProcess;
  /** The live workers: each test kills or freezes one of two. */
  let workers: DevbotProcess[] = [];
  let spawned = 0;

  /** Tops the fleet up to two live workers. */
  async function twoWorkers(): Promise<void> {
    const more = await Promise.all(Array.from({ length: 2 - workers.length }, () => fleet.startWorker(`worker-${++spawned}`)));
    workers = [...workers, ...more];
    await fleet.waitForWorkers(2);
  }

  beforeAll(async () => {
    fleet = await startFleet({ label: 'crash', redis: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints });
    [serve] = await Promise.all([fleet.startServe('serve'), twoWorkers()]);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('is resumed by the other worker within 10 s, in the same message, and no finished step runs again', async () => {
    await twoWorkers();
    const steps = 3;
    const service = 'crash-web';
    const res = await fleet.command(serve, `deploy ${service} --version ${steps}x1200`, { triggerId: 'crash-trigger-1' });
    const jobId = /Queued as job (deploy-[0-9a-f]+)/.exec(res.body)?.[1];
    expect(jobId, res.body).toBeDefined();
    if (!jobId) return;

    // Step 1 has just finished and step 2 is running: the worst moment for "done twice".
    const running = await fleet.events.next((e) => e.jobId === jobId && e.event === 'step-start' && e.step === 'step-2');
    const victim = workers.find((w) => w.pid === running.pid)!;
    const survivor = workers.find((w) => w.pid !== running.pid)!;
    const killedAt = Date.now();
    await fleet.group.kill(victim, 'SIGKILL');
    workers = [survivor];

    const resumed = await fleet.events.next((e) => e.jobId === jobId && e.event === 'run' && e.pid !== victim.pid, 15_000);
    const resumeMs = resumed.at - killedAt;
    console.log(`[crash-safety] job resumed on pid ${resumed.pid} ${resumeMs} ms after SIGKILL (lockDuration ${WORKER_TIMINGS.lockDuration} ms, stalledInterval ${WORKER_TIMINGS.stalledInterval} ms)`);
    expect(resumed.pid).toBe(survivor.pid);
    expect(resumeMs).toBeLessThan(10_000);

    await expect(fleet.queue.waitUntilFinished(jobId, 20_000)).resolves.toEqual({ state: 'completed' });
    const final = await fleet.finalUpdate(jobId, 'succeeded');
    expect(String(final.params['text'])).toMatch(/resumed once after a worker was lost/);

    // One live message for the whole job, updated in place by both workers; the resume is told in its thread.
    expect(fleet.jobMessages(jobId)).toHaveLength(1);
    const ts = final.params['ts'];
    expect(fleet.fake.callsTo('chat.update').filter((c) => String(c.params['text']).includes(`job ${jobId}`)).every((c) => c.params['ts'] === ts)).toBe(true);
    await fleet.fake.waitForCall('chat.postMessage', (c) => c.params['thread_ts'] === ts && /Resumed on another worker/.test(String(c.params['text'])), 5_000);

    // Finished steps ran once; the interrupted one ran again from its start, and finished once.
    expect(await fleet.stepCounts(jobId, steps)).toEqual({
      'step-1': { started: 1, done: 1 },
      'step-2': { started: 2, done: 1 },
      'step-3': { started: 1, done: 1 },
    });
    // The resumed job took over the deploy lock and released it at the end.
    expect(await fleet.redis.exists(`${fleet.prefix}:lock:service/${service}@local`)).toBe(0);
  });

  it('a frozen worker that comes back stops its stale run: the job runs on once, in one message', async () => {
    await twoWorkers();
    const steps = 3;
    const res = await fleet.command(serve, `deploy frozen-web --version ${steps}x1200`, { triggerId: 'crash-trigger-2' });
    const jobId = /Queued as job (deploy-[0-9a-f]+)/.exec(res.body)?.[1];
    expect(jobId, res.body).toBeDefined();
    if (!jobId) return;

    // SIGSTOP, like a long GC pause or a paused VM: its lock lapses and the other worker resumes the job.
    const running = await fleet.events.next((e) => e.jobId === jobId && e.event === 'step-start' && e.step === 'step-2');
    const [frozen, other] = [workers.find((w) => w.pid === running.pid)!, workers.find((w) => w.pid !== running.pid)!];
    await fleet.group.freeze(frozen);
    try {
      const resumed = await fleet.events.next((e) => e.jobId === jobId && e.event === 'run' && e.pid === other.pid, 15_000);
      fleet.group.thaw(frozen);
      // It notices at once (its clock says the lock has lapsed) and hands over instead of going on.
      await fleet.group.waitForLog(frozen, 'lease on the job lost', 10_000);
      await expect(fleet.queue.waitUntilFinished(jobId, 20_000)).resolves.toEqual({ state: 'completed' });
      const final = await fleet.finalUpdate(jobId, 'succeeded');
      expect(String(final.params['text'])).toMatch(/resumed once after a worker was lost/);
      expect(fleet.jobMessages(jobId)).toHaveLength(1);

      // The stale run may finish the step it was frozen in, but starts none after the job moved on.
      const log = await fleet.eventLog(jobId);
      const stale = log.filter((e) => e.run === running.run);
      expect(stale.filter((e) => e.event === 'step-start').every((e) => e.at < resumed.at)).toBe(true);
      expect(stale.some((e) => e.event === 'step-start' && e.step === 'step-3')).toBe(false);
      // Nothing after the final message: the stale run did not write over it.
      const updates = fleet.fake.callsTo('chat.update').filter((c) => String(c.params['text']).includes(`job ${jobId}`));
      expect(updates.at(-1)).toBe(final);
      const counts = await fleet.stepCounts(jobId, steps);
      expect(Object.values(counts).every((c) => c.done >= 1)).toBe(true);
    } finally {
      fleet.group.thaw(frozen);
    }
  });
});
