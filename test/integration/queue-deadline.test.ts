/**
 * When Redis does not confirm an enqueue in time, the add may still land. Real `devbot serve`
 * (reaching Redis through a proxy that stalls its queue connection) and `devbot worker`: the
 * requester is told the job may have been queued and that `/dev jobs` will show it, and running the
 * command again, retyped or retried by Slack, makes no second job.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { startDelayingProxy, type DelayingProxy } from '../harness/delaying-proxy.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startInstallation, type Installation } from '../harness/devbot-installation.js';

describe('an enqueue Redis does not confirm in time', () => {
  let site: Installation;
  let proxy: DelayingProxy;
  let serve: DevbotProcess;

  beforeAll(async () => {
    site = await startInstallation({ label: 'queue-deadline', redisUrl: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints });
    proxy = await startDelayingProxy(inject('redisUrl'));
    [serve] = await Promise.all([site.start('serve', 'serve', { DEVBOT_REDIS_URL: proxy.url }), site.start('worker', 'worker')]);
    await site.waitForWorkers(1);
  });

  afterAll(async () => {
    await site?.close();
    await proxy?.close();
  });

  it('says the job may have been queued, and a retry of the command makes no second job', async () => {
    // The request marker and the add go out together on the queue's connection: both stall past
    // the 1.5 s deadline, then land.
    proxy.holdNext(`${site.prefix}:req:`, 3_000);
    const first = await site.command(serve, 'deploy unsure --version 1x2000', { triggerId: 'queue-deadline-1' });
    const jobId = /job `(deploy-[0-9a-f]+)` was queued/.exec(first.body)?.[1];
    expect(jobId, first.body).toBeDefined();
    expect(first.body).toMatch(/Redis did not confirm in time that job `deploy-[0-9a-f]+` was queued\. It may have been queued, and may run: `\/dev jobs` will show it if it was\./);

    // Retyped at once (a new trigger id): the target is still locked for that job, so no second one.
    const retyped = await site.command(serve, 'deploy unsure --version 1x2000', { triggerId: 'queue-deadline-2' });
    expect(retyped.body).toMatch(new RegExp(`service/unsure@local\` is busy: .* holds it .* with job \`${jobId}\``));

    // The add landed after all, and runs; `/dev jobs` shows it, as the reply said.
    await waitFor(`job ${jobId} to land`, () => site.queue.get(jobId!), { timeoutMs: 10_000 });
    expect((await site.command(serve, 'jobs', { triggerId: 'queue-deadline-3' })).body).toContain(jobId);
    // Slack retrying the first request: the same job, not a new one.
    const retried = await site.command(serve, 'deploy unsure --version 1x2000', { triggerId: 'queue-deadline-1', retryNum: 1 });
    expect(retried.body).toContain(`Already queued as job ${jobId}.`);

    await expect(site.queue.waitUntilFinished(jobId!, 15_000)).resolves.toEqual({ state: 'completed' });
    const jobs = (await site.queue.list({ all: true, limit: 50 })).filter((j) => j.target === 'unsure');
    expect(jobs.map((j) => j.id)).toEqual([jobId]);
  });
});
