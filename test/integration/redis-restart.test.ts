/**
 * Redis restarted in the middle of a run, with AOF on (fsync at every write): a dedicated
 * redis-server (not the run's shared one) under one `devbot serve` and one `devbot worker`, all
 * real processes. No job may be lost, none may run a step twice, and both processes must carry on
 * by themselves once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startFleet, type Fleet } from '../harness/devbot-fleet.js';
import { stepNames } from '../harness/recorded-steps-job.js';

const jobIdIn = (body: string): string => {
  const id = /Queued as job (deploy-[0-9a-f]+)/.exec(body)?.[1];
  if (!id) throw new Error(`not queued: ${body}`);
  return id;
};

describe('Redis restart mid-run (AOF on)', () => {
  let fleet: Fleet;
  let serve: DevbotProcess;
  let worker: DevbotProcess;

  beforeAll(async () => {
    // Concurrency 1: while one job runs, the others wait in Redis through the restart.
    // With the Slack rate budget on (the default): its Redis goes away and comes back too.
    fleet = await startFleet({ label: 'redis-restart', redis: 'own', etcdEndpoints: inject('etcd').endpoints, concurrency: 1, rateBudget: 'shared' });
    [serve, worker] = await Promise.all([fleet.startServe('serve'), fleet.startWorker('worker')]);
    await fleet.waitForWorkers(1);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('loses no job, runs no step twice, and serve and worker reconnect by themselves', async () => {
    const steps = 3;
    const before: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await fleet.command(serve, `deploy rr-${n} --version ${steps}x800`, { triggerId: `rr-trigger-${n}` });
      before.push(jobIdIn(res.body));
    }
    // The first job is in the middle of its run, the other two are waiting: restart Redis now.
    await fleet.events.next((e) => e.jobId === before[0] && e.event === 'step-start' && e.step === 'step-2');
    const downAt = Date.now();
    await fleet.killRedis();
    await fleet.restartRedis();
    console.log(`[redis-restart] Redis was down for ${Date.now() - downAt} ms`);

    // serve reconnected: a command sent now is queued, not refused.
    const after = jobIdIn((await fleet.command(serve, `deploy rr-4 --version 2x100`, { triggerId: 'rr-trigger-4' })).body);

    // worker reconnected: every job, queued before or after the restart, runs to the end.
    for (const jobId of [...before, after]) {
      await expect(fleet.queue.waitUntilFinished(jobId, 30_000), jobId).resolves.toEqual({ state: 'completed' });
      await fleet.finalUpdate(jobId, 'succeeded');
      expect(fleet.jobMessages(jobId), jobId).toHaveLength(1);
    }
    for (const jobId of before) {
      const once = Object.fromEntries(stepNames(steps).map((s) => [s, { started: 1, done: 1 }]));
      expect(await fleet.stepCounts(jobId, steps), jobId).toEqual(once);
    }
    expect(await fleet.stepCounts(after, 2)).toEqual({ 'step-1': { started: 1, done: 1 }, 'step-2': { started: 1, done: 1 } });
  });

  it('through a longer outage: answers commands at once, hands the running job over and resumes it, never two runs at once', async () => {
    const steps = 3;
    const jobId = jobIdIn((await fleet.command(serve, `deploy rr-5 --version ${steps}x1500`, { triggerId: 'rr-trigger-5' })).body);
    await fleet.events.next((e) => e.jobId === jobId && e.event === 'step-start' && e.step === 'step-2');
    const downAt = Date.now();
    await fleet.killRedis();

    // A command while Redis is down gets an answer within Slack's 3 s, and does not claim a job.
    const asked = Date.now();
    const refused = await fleet.command(serve, 'deploy rr-6', { triggerId: 'rr-trigger-6' });
    expect(Date.now() - asked).toBeLessThan(3_000);
    expect(refused.status).toBe(200);
    expect(refused.body).not.toMatch(/Queued/);

    // Redis stays down until the worker gives up the run: by then its lock may have lapsed, and
    // another run may take the job. No event crosses the process boundary: read the worker's log.
    await fleet.group.waitForLog(worker, 'lost the lease on a running job', 10_000);
    await fleet.restartRedis();
    console.log(`[redis-restart] Redis was down for ${Date.now() - downAt} ms`);

    await expect(fleet.queue.waitUntilFinished(jobId, 30_000)).resolves.toEqual({ state: 'completed' });
    const final = await fleet.finalUpdate(jobId, 'succeeded');
    expect(String(final.params['text'])).toMatch(/resumed once/);
    expect(fleet.jobMessages(jobId)).toHaveLength(1);

    // Two runs, one after the other: the first one stopped before the second one began.
    const log = await fleet.eventLog(jobId);
    const runs = [...new Set(log.map((e) => e.run))];
    expect(runs).toHaveLength(2);
    const [first, second] = runs.map((run) => log.filter((e) => e.run === run));
    expect(Math.max(...first!.map((e) => e.at))).toBeLessThan(Math.min(...second!.map((e) => e.at)));
    // Every step finished; the ones finished while Redis was down could not be recorded and ran again.
    const counts = await fleet.stepCounts(jobId, steps);
    expect(counts['step-1']).toEqual({ started: 1, done: 1 });
    expect(counts['step-3']).toEqual({ started: 1, done: 1 });
    expect(counts['step-2']!.started).toBe(2);
  });
});
