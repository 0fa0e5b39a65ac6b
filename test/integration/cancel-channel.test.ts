/**
 * The cancel channel with a real `devbot worker`: anyone who can reach Redis can publish anything
 * on it. A malformed message is logged and ignored; the worker stays up and still runs and cancels jobs.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isAlive } from '../../tools/local-cluster/processes.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startInstallation, type Installation } from '../harness/devbot-installation.js';

const jobIdIn = (body: string) => /Queued as job (deploy-[0-9a-f]+)/.exec(body)?.[1];

describe('the cancel channel', () => {
  let site: Installation;
  let serve: DevbotProcess;
  let worker: DevbotProcess;

  beforeAll(async () => {
    site = await startInstallation({ label: 'cancel-channel', redisUrl: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints });
    [serve, worker] = await Promise.all([site.start('serve', 'serve'), site.start('worker', 'worker')]);
    await site.waitForWorkers(1);
    await waitFor('the worker to listen for cancellations', async () => ((await site.redis.pubsub('NUMSUB', site.cancelChannel)) as [string, number])[1] >= 1);
  });

  afterAll(async () => {
    await site?.close();
  });

  it('ignores malformed messages (logged), and the worker still runs and cancels jobs', async () => {
    for (const garbage of ['not json', 'null', '42', '[]', '{"jobId":7,"reason":"x"}', '{"reason":"no job"}', '{"jobId":"","reason":"x"}']) {
      expect(await site.redis.publish(site.cancelChannel, garbage), garbage).toBe(1);
    }
    const quick = jobIdIn((await site.command(serve, 'deploy steady --version 1x50', { triggerId: 'cancel-channel-1' })).body);
    expect(quick).toBeDefined();
    await expect(site.queue.waitUntilFinished(quick!, 15_000)).resolves.toEqual({ state: 'completed' });
    expect(isAlive(worker.pid, worker.argv[0])).toBe(true);

    const slow = jobIdIn((await site.command(serve, 'deploy slow --version 3x3000', { triggerId: 'cancel-channel-2' })).body);
    expect(slow).toBeDefined();
    await site.nextEvent((e) => e.jobId === slow && e.event === 'step-start');
    expect(await site.queue.cancel(slow!, 'cancelled by the test')).toBe('signalled');
    const final = await site.finalUpdate(slow!, 'cancelled');
    expect(String(final.params['text'])).toContain('cancelled by the test');
    expect(isAlive(worker.pid, worker.argv[0])).toBe(true);
    await site.group.waitForLog(worker, 'ignored a malformed cancellation message');
  });
});
