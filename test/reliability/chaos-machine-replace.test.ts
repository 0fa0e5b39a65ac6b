/**
 * Chaos during `/dev replace <machine>`, with the shipped processes (one `devbot serve`, workers
 * started and killed by the test, a Redis of the test's own) over the replace world: the AWS HTTP
 * fake (the group launches a replacement when an instance is terminated) wired to the fleet fake
 * (the replacement's machine joins fleet). The test holds the world in each of the job's waits —
 * the replacement stays Pending, then fleet does not list it yet — and, while the job waits there,
 * SIGKILLs the worker running it (or restarts Redis); then lets the world go on. The job must end
 * once, succeeded, with one TerminateInstanceInAutoScalingGroup in the AWS fake's own record, the
 * group at its desired capacity, and each unit active once, off the old machine.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FakeMachine } from '../../tools/fleet-fake/index.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startReplaceWorld, type ReplaceWorld } from '../harness/replace-world.js';
import { startChaosRig, type ChaosRig } from './chaos-rig.js';

const STACK = 'devbot-chaos-mr';
const UNITS = ['api.service', 'web.service'];
const RESUMED = 'Resumed on another worker';

describe('chaos during /dev replace', () => {
  let world: ReplaceWorld;
  let rig: ChaosRig;
  /** The live workers, and those the test killed (their logs still count a job's runs). */
  let workers: DevbotProcess[] = [];
  const dead: DevbotProcess[] = [];
  let spawned = 0;
  let current: string | undefined;

  // The holds: the test's hand on the world's clock. While `pending` holds, the group's
  // DescribeAutoScalingGroups polls move nothing on (the replacement stays Pending); while `unlisted`
  // holds, a machine that boots is not in fleet's list yet (its fleet agent has not joined).
  const hold = { pending: false, unlisted: false };
  const unlisted: FakeMachine[] = [];

  function releaseFleet(): void {
    hold.unlisted = false;
    world.fleet.machines.push(...unlisted.splice(0));
  }

  beforeAll(async () => {
    world = await startReplaceWorld({ stackName: STACK, pendingPolls: 2, fleetTimings: { scheduleMs: 30, startMs: 150, stopMs: 30 } });
    const poll = world.aws.scaling.poll.bind(world.aws.scaling);
    world.aws.scaling.poll = () => {
      if (!hold.pending) poll();
    };
    const addMachine = world.fleet.addMachine.bind(world.fleet);
    world.fleet.addMachine = (spec) => {
      const m = addMachine(spec);
      if (hold.unlisted) {
        world.fleet.machines.splice(world.fleet.machines.indexOf(m), 1);
        unlisted.push(m);
      }
      return m;
    };
    rig = await startChaosRig({
      label: 'chaos-machine-replace',
      shipped: true,
      etcdEndpoints: inject('etcd').endpoints,
      localEnvironment: [
        `    fleet: { url: "${world.fleet.url}", pollMs: 100 }`,
        `    aws: { region: eu-west-1, stackName: ${STACK}, imageId: ami-0123456789abcdef0, sshCidr: 203.0.113.0/24, pollIntervalMs: 150, etcd: { discoveryUrl: "https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579" } }`,
      ].join('\n'),
      // Three: the first case kills two of them; a fourth starts meanwhile, for the second case.
      workers: 3,
      workerEnv: world.awsEnv,
    });
    workers = rig.workers;
    spawned = workers.length;
  }, 90_000);

  afterEach((ctx) => {
    hold.pending = false;
    releaseFleet();
    if (ctx.task.result?.state === 'fail' && current) console.log(`[chaos-machine-replace] ${rig.diagnose(current)}`);
    current = undefined;
  });

  afterAll(async () => {
    await rig?.close();
    await world?.close();
  });

  const terminations = (since: number) => world.aws.requests.filter((r) => r.action === 'TerminateInstanceInAutoScalingGroup' && r.receivedAt >= since);
  const occurrences = (jobId: string, text: string) => rig.thread(jobId).split(text).length - 1;

  /**
   * Starts another worker in the background (a shipped worker takes seconds to start on a busy
   * machine: the test goes on meanwhile); `topUp()` resolves once it runs.
   */
  let starting: Promise<void> = Promise.resolve();
  function oneMoreWorker(): void {
    const name = `worker-${++spawned}`;
    const before = starting;
    starting = (async () => {
      await before;
      const w = await rig.startWorker(name, 1);
      workers = [...workers, w];
    })();
  }
  const topUp = async () => {
    await starting;
    await rig.inst.waitForWorkers(workers.length, 30_000);
  };

  /**
   * Resolves with the live worker running `jobId` once it has been started `nth` times in all
   * (1: the first run). Only runners are killed, so a live worker whose log started it runs it now.
   * The logs are another process's: no event to wait on, a bounded poll.
   */
  async function runnerOf(jobId: string, nth: number): Promise<DevbotProcess> {
    return waitFor(`run ${nth} of ${jobId} to start`, () =>
      [...workers, ...dead].reduce((n, w) => n + runsIn(w.logFile, jobId), 0) >= nth && workers.find((w) => runsIn(w.logFile, jobId) > 0),
    { timeoutMs: 30_000, intervalMs: 50 });
  }
  async function kill(w: DevbotProcess): Promise<void> {
    await rig.inst.group.kill(w, 'SIGKILL');
    workers = workers.filter((x) => x !== w);
    dead.push(w);
  }

  /** Queues the replacement of the machine `unit` runs on, the group held Pending; resolves once a worker runs it. */
  async function startReplacement(unit: string) {
    await topUp();
    hold.pending = true;
    const since = Date.now();
    const state = world.fleet.states().find((s) => s.name === unit && s.systemdActiveState === 'active')!;
    const machine = world.fleet.machines.find((m) => m.id === state.machineID)!;
    const group = world.group('WorkerGroup');
    const instance = group.instances.find((i) => i.privateIp === machine.ip)!;
    const before = new Set(group.instances.map((i) => i.id));
    const jobId = (current = await rig.queue(`replace ${machine.ip} --yes`));
    const runner = await runnerOf(jobId, 1);
    return { jobId, since, machine, instance, before, runner, desired: group.desired };
  }

  /** What the user and the cluster show at the end: once, succeeded; one termination; each unit active once elsewhere. */
  async function expectReplacedOnce(r: Awaited<ReturnType<typeof startReplacement>>, resumes: number | undefined): Promise<void> {
    await expect(rig.inst.queue.waitUntilFinished(r.jobId, 60_000)).resolves.toEqual({ state: 'completed' });
    const final = String((await rig.inst.finalUpdate(r.jobId, 'succeeded', 30_000)).params['text']);
    const group = world.group('WorkerGroup');
    const fresh = group.instances.filter((i) => !r.before.has(i.id));
    expect(fresh.map((i) => i.lifecycle)).toEqual(['InService']);
    expect(final).toContain(`Replaced worker ${r.instance.id} (${r.machine.ip}, machine ${r.machine.id.slice(0, 8)}) with ${fresh[0]!.id} (${fresh[0]!.privateIp}`);
    if (resumes) expect(final).toContain(`resumed ${resumes === 1 ? 'once' : `${resumes} times`} after a worker was lost`);
    expect(rig.inst.fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === undefined && String(c.params['text']).includes(`job ${r.jobId}`))).toHaveLength(1);

    // AWS's own record: one terminate call, of that instance; the group back at its desired capacity.
    expect(terminations(r.since)).toHaveLength(1);
    await waitFor('the old instance to leave its group', () => !group.instances.some((i) => i.id === r.instance.id), { timeoutMs: 10_000, intervalMs: 25 });
    expect(world.aws.scaling.terminated.filter((t) => r.before.has(t.id)).map((t) => t.id)).toEqual([r.instance.id]);
    expect(group.desired).toBe(r.desired);
    expect(group.instances.every((i) => i.lifecycle === 'InService')).toBe(true);
    expect(group.instances).toHaveLength(r.desired);
    // The thread tells of one termination (a resumed run finds the step done and says nothing again).
    expect(rig.thread(r.jobId).split('\n').filter((l) => l === `${group.name}: Terminating EC2 instance: ${r.instance.id}`)).toHaveLength(1);
    // The audit: started once, resumed as often as the thread says, finished once.
    const audit = (await rig.inst.audit({ limit: 200 })).filter((e) => e.jobId === r.jobId);
    expect(audit.filter((e) => e.event === 'job_started')).toHaveLength(1);
    expect(audit.filter((e) => e.event === 'job_resumed')).toHaveLength(occurrences(r.jobId, RESUMED));
    expect(audit.filter((e) => e.event === 'job_finished')).toHaveLength(1);

    // fleet: every unit once, active, none on the old machine (gone from fleet).
    expect(world.fleet.machines.map((m) => m.id)).not.toContain(r.machine.id);
    await waitFor('fleet to report each unit active once', () => UNITS.every((name) => {
      const rows = world.fleet.states().filter((s) => s.name === name);
      return rows.length === 1 && rows[0]!.systemdActiveState === 'active' && rows[0]!.machineID !== r.machine.id;
    }), { timeoutMs: 10_000, intervalMs: 25 });
    expect(world.fleet.units().map((u) => u.name).sort()).toEqual(UNITS);
  }

  it('SIGKILL while it waits for the new instance to be InService, and again while it waits for fleet to list it: resumed, one termination', { timeout: 60_000 }, async () => {
    const r = await startReplacement('web.service');
    // Mid-wait: terminated, the replacement launched and Pending (the job's thread says so).
    await rig.waitForThread(r.jobId, /new instance i-[0-9a-f]+ Pending/, 20_000);
    expect(terminations(r.since)).toHaveLength(1);
    await kill(r.runner);
    oneMoreWorker();
    const second = await runnerOf(r.jobId, 2);
    await rig.waitForThread(r.jobId, RESUMED, 20_000);
    // The resumed run polls the group again before the world moves on: it waits, it does not terminate.
    const polls = world.aws.requests.length;
    await waitFor('the resumed run to poll the group', () => world.aws.requests.slice(polls).some((q) => q.action === 'DescribeAutoScalingGroups'), { timeoutMs: 20_000, intervalMs: 25 });

    // InService now, but fleet does not list the machine yet: the job waits for fleet, and dies there.
    hold.unlisted = true;
    hold.pending = false;
    await rig.waitForThread(r.jobId, /fleet does not list [0-9.]+ yet/, 20_000);
    await kill(second);
    await runnerOf(r.jobId, 3);
    await waitFor('the second resume in the thread', () => occurrences(r.jobId, RESUMED) >= 2, { timeoutMs: 20_000, intervalMs: 50 });
    releaseFleet();
    await expectReplacedOnce(r, 2);
    // Each run was lost in the middle of a wait, not between steps: the thread tells of each resume before that wait's end.
    const thread = rig.thread(r.jobId);
    expect(thread.indexOf(RESUMED)).toBeLessThan(thread.indexOf('✓ Wait for the replacement instance to be InService'));
    expect(thread.indexOf('✓ Wait for the replacement instance to be InService')).toBeLessThan(thread.lastIndexOf(RESUMED));
    expect(thread.lastIndexOf(RESUMED)).toBeLessThan(thread.indexOf('✓ Wait for fleet to list'));
  });

  it('Redis restarted while it waits for the new instance, and while it waits for fleet: the replacement ends once, one termination', { timeout: 60_000 }, async () => {
    const r = await startReplacement('api.service');
    await rig.waitForThread(r.jobId, /new instance i-[0-9a-f]+ Pending/, 20_000);
    await rig.restartRedis();
    hold.unlisted = true;
    hold.pending = false;
    await rig.waitForThread(r.jobId, /fleet does not list [0-9.]+ yet/, 20_000);
    await rig.restartRedis();
    releaseFleet();
    // Resumed or not (that depends on how long Redis was down), the outcome is the same.
    await expectReplacedOnce(r, undefined);
  });
});

/** How many times `jobId` was started in this worker's log. */
function runsIn(logFile: string, jobId: string): number {
  return readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes(`"jobId":"${jobId}"`) && l.includes('"msg":"job started"')).length;
}
