/**
 * Chaos during `/dev converge`, with real processes (one `devbot serve`, two `devbot worker`, a
 * Redis of the test's own) over the fleet fake (in this process, reached by URL like fleet): the
 * worker running the converge is SIGKILLed, or Redis restarted, in the middle of a wave. The job
 * must end once, succeeded, with every unit of the catalog active once: none created twice, none
 * more than the catalog says. fleet's fake is the witness (its units, its /state rows, its own
 * record of every start).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_MACHINES, startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { uniqueName } from '../harness/unique.js';
import { startChaosRig, type ChaosRig } from './chaos-rig.js';

/** Three waves (base, then app, then web); each start takes long enough to be caught mid-wave. */
const catalog = (version: string) => `
services:
  base: { image: team/base, version: "${version}", instances: 2 }
  app: { image: team/app, version: "${version}", instances: 3, after: [base@1.service] }
  web: { image: team/web, version: "${version}", after: [app@1.service] }
`;
/** The units the catalog above runs, as fleet names them; and the templates submitted for the instances. */
const UNITS = ['app@1.service', 'app@2.service', 'app@3.service', 'base@1.service', 'base@2.service', 'web.service'];
const TEMPLATES = ['app@.service', 'base@.service'];

describe('chaos during /dev converge', () => {
  let fleet: FleetFake;
  let rig: ChaosRig;
  let dir: string;
  let workers: DevbotProcess[] = [];
  let spawned = 0;
  let version = 0;
  let current: string | undefined;

  async function twoWorkers(): Promise<void> {
    const more = await Promise.all(Array.from({ length: 2 - workers.length }, () => rig.startWorker(`worker-${++spawned}`, 2)));
    workers = [...workers, ...more];
  }

  beforeAll(async () => {
    fleet = await startFleetFake({ machines: DEMO_MACHINES, timings: { scheduleMs: 20, startMs: 700, stopMs: 30, reportLagMs: 40 }, tickMs: 20 });
    dir = mkdtempSync(join(tmpdir(), 'devbot-chaos-converge-'));
    writeFileSync(join(dir, 'services.yaml'), catalog('0'));
    rig = await startChaosRig({
      label: 'chaos-converge',
      etcdEndpoints: inject('etcd').endpoints,
      localEnvironment: `    fleet: { url: "${fleet.url}", catalog: "${join(dir, 'services.yaml')}", pollMs: 25, scheduleTimeoutMs: 5000, startTimeoutMs: 10000, requestTimeoutMs: 1000, historyPrefix: "devbot-test/${uniqueName('chaos-converge')}" }`,
      workers: 2,
    });
    workers = rig.workers;
    spawned = workers.length;
  }, 90_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail' && current) console.log(`[chaos-converge] ${rig.diagnose(current)}`);
    current = undefined;
  });

  afterAll(async () => {
    await rig?.close();
    await fleet?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A new version of every service in the catalog, converged; resolves once a worker runs it. */
  async function startConverge(): Promise<{ jobId: string; runner: DevbotProcess; since: number; v: string }> {
    await twoWorkers();
    const v = String(++version);
    writeFileSync(join(dir, 'services.yaml'), catalog(v));
    const since = Date.now();
    const jobId = (current = await rig.queue('converge'));
    const runner = await Promise.any(workers.map(async (w) => (await rig.waitUntilRunning(w, jobId), w)));
    return { jobId, runner, since, v };
  }

  /** The second wave has begun and not ended: some app instance runs the new version, not all yet. */
  const midWave = (v: string) =>
    waitFor('the app wave to be under way', () => {
      const app = fleet.units().filter((u) => u.name.startsWith('app@') && u.options.some((o) => o.value.includes(`team/app:${v}`)));
      return app.length >= 1 && app.length < 3;
    }, { timeoutMs: 30_000, intervalMs: 10 });

  /** One message, succeeded; every catalog unit at the new version, active on one machine, started once for it. */
  async function expectConvergedOnce(jobId: string, v: string, opts: { resumed?: boolean } = {}): Promise<void> {
    await expect(rig.inst.queue.waitUntilFinished(jobId, 60_000)).resolves.toEqual({ state: 'completed' });
    const final = await rig.inst.finalUpdate(jobId, 'succeeded', 30_000);
    if (opts.resumed) expect(String(final.params['text'])).toMatch(/resumed once after a worker was lost/);
    expect(rig.inst.fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === undefined && String(c.params['text']).includes(`job ${jobId}`))).toHaveLength(1);

    expect(fleet.units().map((u) => u.name)).toEqual([...TEMPLATES, ...UNITS].sort());
    const image = (name: string) => `team/${name.replace(/[@.].*/, '')}:${v}`;
    for (const u of fleet.units()) expect(u.options.some((o) => o.value.includes(image(u.name))), `${u.name} runs ${image(u.name)}`).toBe(true);
    await waitFor('fleet to report every unit active on one machine', () =>
      UNITS.every((name) => {
        const rows = fleet.states().filter((s) => s.name === name);
        return rows.length === 1 && rows[0]!.systemdActiveState === 'active';
      }), { timeoutMs: 10_000, intervalMs: 25 });
    // Each unit of this version came up once: a resumed run did not start again what was running.
    const hashes = new Map(fleet.states().map((s) => [s.name, s.hash]));
    const starts = new Map<string, number>();
    for (const t of fleet.transitions()) if (t.state === 'active running' && t.hash === hashes.get(t.unit)) starts.set(t.unit, (starts.get(t.unit) ?? 0) + 1);
    expect(Object.fromEntries(starts)).toEqual(Object.fromEntries(UNITS.map((u) => [u, 1])));
  }

  it('SIGKILL mid-wave: another worker resumes the converge; every unit is there once, started once', { timeout: 90_000 }, async () => {
    const { jobId, runner, v } = await startConverge();
    await midWave(v);
    await rig.inst.group.kill(runner, 'SIGKILL');
    workers = workers.filter((w) => w !== runner);
    await rig.waitForThread(jobId, 'Resumed on another worker', 30_000);
    await expectConvergedOnce(jobId, v, { resumed: true });
  });

  it('Redis restarted mid-wave: the converge ends once, every unit there once, started once', { timeout: 90_000 }, async () => {
    const { jobId, v } = await startConverge();
    await midWave(v);
    await rig.restartRedis();
    await expectConvergedOnce(jobId, v);
  });
});
