/**
 * A frozen worker that comes back cannot touch an election another run has taken over. Shipped
 * `devbot serve` and two `devbot worker`s, `etcdctl elect` candidates on the run's real etcd: the
 * worker running a failover is frozen (SIGSTOP) while it plans, past its lease; the other worker
 * resumes the job, takes the lock over with a newer fencing token, claims the database's fence in
 * etcd and moves leadership. Thawed (SIGCONT), the stale run changes nothing further and writes
 * nothing to the job's message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEtcdElections } from '../../src/adapters/etcd/etcd-elections.js';
import { silentLogger } from '../../src/log.js';
import type { Elections } from '../../src/ports/elections.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { freezeMembers, restoreCluster, waitForQuorum } from '../harness/cluster-control.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { CHANNEL, startInstallation, type Installation } from '../harness/devbot-installation.js';
import { uniqueName } from '../harness/unique.js';

/** The fencing token a worker's run of `jobId` took (from its "job started" log line), if it started one. */
function fenceOfRun(worker: DevbotProcess, jobId: string): number | undefined {
  const line = readFileSync(worker.logFile, 'utf8').split('\n').find((l) => l.includes('"msg":"job started"') && l.includes(`"jobId":"${jobId}"`));
  return line ? (JSON.parse(line) as { fence?: number }).fence : undefined;
}

describe('failover fencing: a frozen worker comes back after another took its job over', () => {
  const prefix = uniqueName('pg-stale');
  const fenceKey = 'devbot/fences/database/pg-stale@local';
  let site: Installation;
  let serve: DevbotProcess;
  let workers: DevbotProcess[];
  let elections: Elections;
  const candidates: ChildProcess[] = [];
  const endpoints = () => inject('etcd').endpoints;

  beforeAll(async () => {
    site = await startInstallation({
      label: 'failover-fence', redisUrl: inject('redisUrl'), etcdEndpoints: endpoints(), shipped: true, probeTimeoutMs: 2000,
      localEnvironment: `    databases:\n      pg-stale: { electionPrefix: ${prefix}, candidates: 2, failoverTimeoutMs: 10000 }`,
    });
    elections = createEtcdElections({ endpoints: endpoints(), callTimeoutMs: 1000, log: silentLogger() });
    [serve, ...workers] = await Promise.all([site.start('serve', 'serve'), site.start('worker', 'worker-1'), site.start('worker', 'worker-2')]);
    await site.waitForWorkers(2);
    for (const [i, name] of ['pg-1', 'pg-2'].entries()) {
      candidates.push(spawn('etcdctl', [`--endpoints=${endpoints().join(',')}`, 'elect', prefix, name], { stdio: 'ignore' }));
      await waitFor(`${name} to campaign`, async () => (await elections.read(prefix)).candidates.length === i + 1, { timeoutMs: 10_000 });
    }
  });

  afterAll(async () => {
    workers?.forEach((w) => site.group.thaw(w));
    await restoreCluster();
    await Promise.all(candidates.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))));
    for (const c of (await elections?.read(prefix))?.candidates ?? []) await elections.revokeLease(c.leaseId).catch(() => undefined);
    const client = new Etcd3({ hosts: endpoints() });
    await client.delete().key(fenceKey).exec().finally(() => client.close());
    await elections?.close();
    await site?.close();
  });

  it('the stale run changes nothing further, and its message does not claim success', async () => {
    // One member frozen: every health probe waits out its 2 s deadline, so planning takes a while.
    await freezeMembers(['e1']);
    await waitForQuorum({ members: ['e2', 'e3'] });
    const res = await site.command(serve, 'failover pg-stale --yes', { triggerId: 'failover-fence-1' });
    const jobId = /Queued as job (failover-[0-9a-f]+)/.exec(res.body)?.[1];
    expect(jobId, res.body).toBeDefined();

    const stale = await waitFor('a worker to start the failover', () => workers.find((w) => fenceOfRun(w, jobId!) !== undefined), { timeoutMs: 15_000, intervalMs: 10 });
    await site.group.freeze(stale);
    const other = workers.find((w) => w !== stale)!;
    try {
      // Past its lease: the other worker resumes the job and moves leadership.
      await expect(site.queue.waitUntilFinished(jobId!, 40_000)).resolves.toEqual({ state: 'completed' });
      const final = await site.finalUpdate(jobId!, 'succeeded');
      expect(String(final.params['text'])).toMatch(/pg-stale: pg-1 → pg-2 in \d+ ms/);
      const [staleFence, newFence] = [fenceOfRun(stale, jobId!)!, fenceOfRun(other, jobId!)!];
      expect(newFence).toBeGreaterThan(staleFence);

      site.group.thaw(stale);
      await site.group.waitForLog(stale, 'lease on the job lost', 15_000);
      await new Promise((r) => setTimeout(r, 2_000));

      // The election is as the resumed run left it, the fence is the resumed run's, and the
      // stale run wrote nothing after the final message.
      const view = await elections.read(prefix);
      expect(view.leader?.name).toBe('pg-2');
      expect(view.candidates.map((c) => c.name)).toContain('pg-2');
      const client = new Etcd3({ hosts: inject('etcd').members.filter((m) => m.name !== 'e1').map((m) => m.clientUrl) });
      expect(Number(await client.get(fenceKey).string().finally(() => client.close()))).toBe(newFence);
      expect(site.updatesOf(jobId!).at(-1)).toBe(final);
      const topLevel = site.fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === CHANNEL && c.params['thread_ts'] === undefined && String(c.params['text']).includes(`job ${jobId}`));
      expect(topLevel).toHaveLength(1);
    } finally {
      site.group.thaw(stale);
      await restoreCluster();
    }
  }, 90_000);
});
