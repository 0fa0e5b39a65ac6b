/**
 * The audit trail tells a job resumed after its worker died from one that started: real `devbot
 * serve` and two `devbot worker`s, one SIGKILLed in the middle of a job; `/dev audit` then shows
 * `job_resumed` (once, for that job) between its `job_started` and its `job_finished`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startInstallation, type Installation } from '../harness/devbot-installation.js';

describe('job_resumed in the audit trail', () => {
  let site: Installation;
  let serve: DevbotProcess;
  let workers: DevbotProcess[];

  beforeAll(async () => {
    site = await startInstallation({ label: 'resumed-audit', redisUrl: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints });
    [serve, ...workers] = await Promise.all([site.start('serve', 'serve'), site.start('worker', 'worker-1'), site.start('worker', 'worker-2')]);
    await site.waitForWorkers(2);
  });

  afterAll(async () => {
    await site?.close();
  });

  it('is written when another worker resumes a job whose worker was killed, and /dev audit shows it', async () => {
    const res = await site.command(serve, 'deploy resumed-web --version 3x1200', { triggerId: 'resumed-audit-1' });
    const jobId = /Queued as job (deploy-[0-9a-f]+)/.exec(res.body)?.[1];
    expect(jobId, res.body).toBeDefined();
    const running = await site.nextEvent((e) => e.jobId === jobId && e.event === 'step-start' && e.step === 'step-2');
    const victim = workers.find((w) => w.pid === running.pid)!;
    const survivor = workers.find((w) => w.pid !== running.pid)!;
    await site.group.kill(victim, 'SIGKILL');
    await site.nextEvent((e) => e.jobId === jobId && e.event === 'run' && e.pid === survivor.pid, 15_000);
    await expect(site.queue.waitUntilFinished(jobId!, 20_000)).resolves.toEqual({ state: 'completed' });

    const trail = (await site.audit({ target: 'resumed-web' })).filter((e) => e.jobId === jobId).map((e) => e.event).reverse();
    expect(trail).toEqual(['job_started', 'job_resumed', 'job_finished']);

    const audit = await site.command(serve, 'audit --target resumed-web', { triggerId: 'resumed-audit-2' });
    expect(audit.body).toMatch(new RegExp(`job_resumed · <@U_ALICE> in #ops[^"]*job ${jobId} · resumed after its worker was lost`));
  });
});
