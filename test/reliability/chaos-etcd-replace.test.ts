/**
 * Chaos during `/dev etcd replace`, with real processes: one `devbot serve`, two `devbot worker`,
 * a Redis of the test's own, a 3-member etcd of the test's own. The worker running the job is
 * SIGKILLed (or Redis restarted, or the worker frozen past its lease) at each step of the
 * replacement; the job must end once, correctly, with exactly one remove and one add in etcd's own
 * member list, and the cluster healthy. Each case replaces e2 by a "new machine" at e2's address
 * (a rebuilt node that kept its IP), so the configured endpoints stay right from case to case.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { destroyMember, newMachine, startSettingsIn, waitHealthy, type NewMachine } from '../harness/etcd-machines.js';
import { startChaosRig, type ChaosRig } from './chaos-rig.js';
import { listMembers, watchMembership, type MembershipWitness, type SeenMember } from './etcd-membership-witness.js';

describe('chaos during /dev etcd replace', () => {
  let cluster: LocalCluster;
  let rig: ChaosRig;
  /** The live workers; each case leaves two. */
  let workers: DevbotProcess[] = [];
  let spawned = 0;
  let machines = 0;

  const endpoints = () => cluster.etcd.endpoints;
  const e2 = () => cluster.etcd.members.find((m) => m.name === 'e2')!;

  async function twoWorkers(): Promise<void> {
    const more = await Promise.all(Array.from({ length: 2 - workers.length }, () => rig.startWorker(`worker-${++spawned}`, 2)));
    workers = [...workers, ...more];
  }

  beforeAll(async () => {
    cluster = await startLocalCluster();
    rig = await startChaosRig({ label: 'chaos-replace', etcdEndpoints: cluster.etcd.endpoints, etcd: 'replace: { learnerTimeoutMs: 30000, pollMs: 200, maxLagEntries: 1000 }', workers: 2 });
    workers = rig.workers;
    spawned = workers.length;
  }, 90_000);

  let current: string | undefined;
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail' && current) console.log(`[chaos-etcd-replace] ${rig.diagnose(current)}`);
    current = undefined;
  });

  afterAll(async () => {
    await rig?.close();
    await cluster?.stop();
  });

  interface Replacement {
    jobId: string;
    machine: NewMachine;
    before: SeenMember[];
    oldId: string;
    runner: DevbotProcess;
    witness: MembershipWitness;
  }

  /** Destroys e2 for good and queues its replacement; resolves once a worker runs the job. */
  async function startReplacement(): Promise<Replacement> {
    await twoWorkers();
    await waitHealthy(endpoints());
    const before = await listMembers(endpoints());
    const oldId = before.find((m) => m.name === 'e2')!.id;
    await destroyMember(cluster, 'e2');
    await waitHealthy(endpoints().filter((u) => u !== e2().clientUrl));
    const machine = await newMachine(cluster, `e2-new-${++machines}`, e2());
    const witness = watchMembership(endpoints);
    const jobId = (current = await rig.queue(`etcd replace e2 --peer-url ${machine.peerUrl} --yes`));
    const runner = await Promise.any(workers.map(async (w) => (await rig.waitUntilRunning(w, jobId), w)));
    return { jobId, machine, before, oldId, runner, witness };
  }

  const learnerAt = async (peerUrl: string) => (await listMembers(endpoints())).find((m) => m.peerUrls.includes(peerUrl));

  /** The new machine starts its etcd the way the job's thread says (posted by whichever run added the learner). */
  async function startMachineFromThread(r: Replacement): Promise<void> {
    const settings = startSettingsIn(await rig.waitForThread(r.jobId, 'ETCD_INITIAL_CLUSTER=', 40_000));
    expect(settings?.name).toBe('e2');
    await r.machine.start(settings!);
  }

  /** What every case ends with: one job message, succeeded; one remove and one add in etcd; 3 of 3 voters healthy. */
  async function expectReplacedOnce(r: Replacement, opts: { resumed?: boolean } = {}): Promise<void> {
    await expect(rig.inst.queue.waitUntilFinished(r.jobId, 60_000)).resolves.toEqual({ state: 'completed' });
    const final = await rig.inst.finalUpdate(r.jobId, 'succeeded', 30_000);
    const seen = await r.witness.stop();
    const after = await listMembers(endpoints());
    const fresh = after.find((m) => m.peerUrls.includes(r.machine.peerUrl))!;
    expect(String(final.params['text'])).toContain(`Replaced e2 ${r.oldId} → e2 ${fresh.id}`);
    if (opts.resumed) expect(String(final.params['text'])).toMatch(/resumed once after a worker was lost/);
    // One live message for the job, whichever worker wrote it.
    expect(rig.inst.fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === undefined && String(c.params['text']).includes(`job ${r.jobId}`))).toHaveLength(1);

    // etcd's own account: the old member went, one new member came, nothing else ever appeared.
    const beforeIds = r.before.map((m) => m.id);
    expect(after.map((m) => [m.name, m.isLearner]).sort()).toEqual([['e1', false], ['e2', false], ['e3', false]]);
    expect(after.map((m) => m.id).filter((id) => !beforeIds.includes(id))).toEqual([fresh.id]);
    expect(beforeIds.filter((id) => !after.some((m) => m.id === id))).toEqual([r.oldId]);
    expect(seen.filter((id) => !beforeIds.includes(id))).toEqual([fresh.id]);
    // The thread tells of one remove and one add, even where a resumed run found them done.
    const thread = rig.thread(r.jobId);
    expect(thread.match(/^added learner /gm)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(thread.match(/^removed e2 /gm)?.length ?? 0).toBeLessThanOrEqual(1);
    await waitHealthy(endpoints());
  }

  /** SIGKILLs the job's worker; another one resumes it (BullMQ's stalled-job recovery), told in the thread. */
  async function killRunner(r: Replacement): Promise<void> {
    await rig.inst.group.kill(r.runner, 'SIGKILL');
    workers = workers.filter((w) => w !== r.runner);
    await rig.waitForThread(r.jobId, 'Resumed on another worker', 30_000);
  }

  it('SIGKILL after the remove: another worker resumes, adds the learner once, promotes it', { timeout: 90_000 }, async () => {
    const r = await startReplacement();
    await waitFor('e2 to be removed from etcd', async () => !(await listMembers(endpoints())).some((m) => m.id === r.oldId), { timeoutMs: 30_000, intervalMs: 50 });
    await killRunner(r);
    await startMachineFromThread(r);
    await expectReplacedOnce(r, { resumed: true });
  });

  it('SIGKILL after adding the learner: the resumed run finds it added, tells how to start it, promotes it', { timeout: 90_000 }, async () => {
    const r = await startReplacement();
    await waitFor('the learner to be added', async () => (await learnerAt(r.machine.peerUrl))?.isLearner === true, { timeoutMs: 30_000, intervalMs: 50 });
    await killRunner(r);
    await startMachineFromThread(r);
    await expectReplacedOnce(r, { resumed: true });
  });

  it('SIGKILL before the promote (the learner started and caught up): the resumed run promotes it once', { timeout: 90_000 }, async () => {
    const r = await startReplacement();
    const settings = startSettingsIn(await rig.waitForThread(r.jobId, 'ETCD_INITIAL_CLUSTER=', 30_000))!;
    // Frozen first, so it cannot promote while the learner starts: it dies just before its promote.
    await rig.inst.group.freeze(r.runner);
    try {
      await r.machine.start(settings);
      // The leader lists its name once the learner has joined and applied the log up to its own publication.
      await waitFor('the learner to start', async () => {
        const m = await learnerAt(r.machine.peerUrl);
        return m?.isLearner === true && m.name === 'e2';
      }, { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      await killRunner(r);
    }
    await expectReplacedOnce(r, { resumed: true });
  });

  it('Redis restarted after the remove, after adding the learner and before the promote: the job still ends once, one remove, one add', { timeout: 90_000 }, async () => {
    const r = await startReplacement();
    await waitFor('e2 to be removed from etcd', async () => !(await listMembers(endpoints())).some((m) => m.id === r.oldId), { timeoutMs: 30_000, intervalMs: 50 });
    await rig.restartRedis();
    await waitFor('the learner to be added', async () => (await learnerAt(r.machine.peerUrl))?.isLearner === true, { timeoutMs: 30_000, intervalMs: 50 });
    await rig.restartRedis();
    const settings = startSettingsIn(await rig.waitForThread(r.jobId, 'ETCD_INITIAL_CLUSTER=', 30_000))!;
    // Redis down while the learner starts: the run's fence check before its promote waits for Redis.
    await rig.restartRedis(async () => {
      await r.machine.start(settings);
      await waitFor('the learner to start', async () => (await learnerAt(r.machine.peerUrl))?.name === 'e2', { timeoutMs: 30_000, intervalMs: 50 });
    });
    // Resumed or not (that depends on how long Redis was down), the outcome is the same.
    await expectReplacedOnce(r);
  });

  it('a worker frozen past its lease while it waits for the learner does nothing further once thawed (fencing)', { timeout: 90_000 }, async () => {
    const r = await startReplacement();
    const settings = startSettingsIn(await rig.waitForThread(r.jobId, 'ETCD_INITIAL_CLUSTER=', 30_000))!;
    const frozen = r.runner;
    await rig.inst.group.freeze(frozen);
    try {
      // Its lease lapses; the other worker resumes the job and runs it to the end while it sleeps.
      await rig.waitForThread(r.jobId, 'Resumed on another worker', 30_000);
      await r.machine.start(settings);
      await expect(rig.inst.queue.waitUntilFinished(r.jobId, 60_000)).resolves.toEqual({ state: 'completed' });
      const final = await rig.inst.finalUpdate(r.jobId, 'succeeded', 30_000);
      const membersAtEnd = await listMembers(endpoints());
      const callsAtEnd = rig.inst.fake.callsTo('chat.update').length + rig.inst.fake.callsTo('chat.postMessage').length;

      // Thawed, its clock says the lease is long gone (and its learner wait timed out): it must
      // neither promote nor remove "its" learner, nor write over the final message.
      rig.inst.group.thaw(frozen);
      await rig.inst.group.waitForLog(frozen, 'lease on the job lost', 15_000);
      expect(await listMembers(endpoints())).toEqual(membersAtEnd);
      const ofJob = (c: { params: Record<string, unknown> }) => String(c.params['text']).includes(`job ${r.jobId}`);
      expect(rig.inst.fake.callsTo('chat.update').filter(ofJob).at(-1)).toBe(final);
      expect(rig.inst.fake.callsTo('chat.update').length + rig.inst.fake.callsTo('chat.postMessage').length).toBe(callsAtEnd);
    } finally {
      rig.inst.group.thaw(frozen);
    }
    await expectReplacedOnce(r, { resumed: true });
  });
});
