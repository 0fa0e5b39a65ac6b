/**
 * Many replicas on one Redis: two `devbot serve` and two `devbot worker`, all real processes.
 * Slack sends each command to one replica and its retries (same trigger_id, X-Slack-Retry-Num) to
 * whichever it likes, possibly while the first is still being answered. Each command must make
 * exactly one job and one progress message, however its copies are spread and raced.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startFleet, type Fleet } from '../harness/devbot-fleet.js';

const jobIdIn = (body: string): string | undefined => /job ((?:deploy|status)-[0-9a-f]+)/.exec(body)?.[1];

describe('two serve and two worker replicas on one Redis', () => {
  let fleet: Fleet;
  let serves: DevbotProcess[];

  beforeAll(async () => {
    fleet = await startFleet({ label: 'replicas', redis: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints });
    const started = await Promise.all([fleet.startServe('serve-1'), fleet.startServe('serve-2'), fleet.startWorker('worker-1'), fleet.startWorker('worker-2')]);
    serves = started.slice(0, 2);
    await fleet.waitForWorkers(2);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('makes one job and one message per command, whichever replicas get it and its retries', async () => {
    const texts = [...Array.from({ length: 6 }, (_, i) => `deploy rep-${i + 1} --version 2x200`), 'status'];
    const outcomes = await Promise.all(
      texts.map(async (text, i) => {
        const triggerId = `replicas-trigger-${i}`;
        const [a, b] = i % 2 ? [serves[0]!, serves[1]!] : [serves[1]!, serves[0]!];
        // The first delivery and Slack's retry race each other on the two replicas...
        const raced = await Promise.all([fleet.command(a, text, { triggerId }), fleet.command(b, text, { triggerId, retryNum: 1 })]);
        // ...and a second retry comes once both were answered.
        const late = await fleet.command(a, text, { triggerId, retryNum: 2 });
        return { text, replies: [...raced, late].map((r) => r.body) };
      }),
    );

    const jobIds: string[] = [];
    for (const { text, replies } of outcomes) {
      const ids = new Set(replies.map(jobIdIn));
      expect(ids.size, `${text}: ${replies.join(' | ')}`).toBe(1);
      const jobId = [...ids][0];
      expect(jobId, `${text}: ${replies.join(' | ')}`).toBeDefined();
      expect(replies.filter((r) => /"Queued as job/.test(r)), text).toHaveLength(1);
      expect(replies.filter((r) => /Already queued as job/.test(r)), text).toHaveLength(2);
      jobIds.push(jobId!);
    }

    for (const jobId of jobIds) {
      await expect(fleet.queue.waitUntilFinished(jobId, 20_000), jobId).resolves.toEqual({ state: 'completed' });
      const [message, ...more] = fleet.jobMessages(jobId);
      expect(more, jobId).toEqual([]);
      // Updated in place to its end (the deploy's steps, a slow status report), or, for a report
      // ready within its first second, posted once as it is.
      const isReport = /etcd: \d+\/\d+ members up/.test(String(message?.params['text']));
      if (isReport) expect(fleet.fake.callsTo('chat.update').filter((c) => c.params['ts'] === message?.ts)).toEqual([]);
      else await fleet.fake.waitForCall('chat.update', (c) => c.params['ts'] === message?.ts, 10_000);
    }
    for (const jobId of jobIds.filter((id) => id.startsWith('deploy-'))) {
      await fleet.finalUpdate(jobId, 'succeeded');
      expect(new Set((await fleet.eventLog(jobId)).map((e) => e.run)).size, jobId).toBe(1);
      expect(await fleet.stepCounts(jobId, 2), jobId).toEqual({ 'step-1': { started: 1, done: 1 }, 'step-2': { started: 1, done: 1 } });
    }
    // Every worker also runs the alert evaluations it schedules; those are not commands.
    const all = (await fleet.queue.list({ all: true, limit: 100 })).filter((j) => j.kind !== 'alerts-evaluate');
    expect(all.map((j) => j.id).sort()).toEqual([...jobIds].sort());
  });

  it('a retry that comes after its job finished changes nothing: no job, no message, no lock left behind', async () => {
    const triggerId = 'replicas-late-retry';
    const first = await fleet.command(serves[0]!, 'deploy rep-late --version 1x100', { triggerId });
    const jobId = jobIdIn(first.body);
    expect(first.body).toMatch(/"Queued as job/);
    await expect(fleet.queue.waitUntilFinished(jobId!, 20_000)).resolves.toEqual({ state: 'completed' });
    await fleet.finalUpdate(jobId!, 'succeeded');

    const retry = await fleet.command(serves[1]!, 'deploy rep-late --version 1x100', { triggerId, retryNum: 3 });
    expect(retry.body).toMatch(new RegExp(`Already queued as job ${jobId}`));
    // The service is free for the next deploy: the retry did not take its lock again.
    const next = await fleet.command(serves[1]!, 'deploy rep-late --version 1x100', { triggerId: 'replicas-next-deploy' });
    expect(next.body).toMatch(/"Queued as job/);
    await expect(fleet.queue.waitUntilFinished(jobIdIn(next.body)!, 20_000)).resolves.toEqual({ state: 'completed' });
    expect(fleet.jobMessages(jobId!)).toHaveLength(1);
  });
});
