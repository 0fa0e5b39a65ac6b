import type { FleetConfig } from '../../config/fleet-schema.js';
import type { Machine, Scheduler } from '../../ports/scheduler.js';
import type { ServiceSpec } from '../../units/catalog-schema.js';
import { instanceOfUnit } from '../../units/unit-names.js';
import { awaitHealth } from './await-health.js';
import type { DeployPlan, UnitChange } from './plan-deploy.js';
import { describeMachine, machinesFor, restartSecOf, UnitFailedError, waitUntilActive, waitUntilForgotten } from './wait-for-unit.js';

/**
 * One service's rollout as deploy, rollback and converge all run it. `scheduler` is already fenced
 * by the caller; `step` names each unit's work (deploy shows them in its message, converge in its
 * thread); `done` collects what came up, so a failure can say what was done before it.
 */
export interface Rollout {
  scheduler: Scheduler;
  fleet: FleetConfig;
  spec: ServiceSpec;
  plan: DeployPlan;
  machines: Machine[];
  signal: AbortSignal;
  step<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
  log(line: string): void;
  done: string[];
  /** Units no longer in the catalog are destroyed too (deploy); converge only does so with --prune. */
  removeUnits: boolean;
}

const verbOf = (c: UnitChange) => ({ create: 'start', replace: 'replace', wait: 'wait for', keep: 'keep' })[c.action];

/** How long a unit may take to become active: the service's own `startTimeoutMs`, else the environment's. */
export const startTimeoutFor = (spec: ServiceSpec, fleet: FleetConfig): number => spec.startTimeoutMs ?? fleet.startTimeoutMs;

/** One instance: (destroy,) submit launched, wait until active everywhere it runs, then healthy. Returns where it runs. */
async function rollOne(r: Rollout, change: UnitChange): Promise<string> {
  const { scheduler, fleet, machines, signal } = r;
  const { unit } = change;
  if (change.action === 'replace') {
    await scheduler.destroy(unit.name);
    // Replaced with the very same file (it had failed): the old row, same hash, may linger in
    // /state after the destroy and would pass for the new unit's. Wait until fleet forgot it.
    await waitUntilForgotten({ scheduler, unit: unit.name, hash: unit.hash, machines, signal, log: r.log, pollMs: fleet.pollMs, scheduleTimeoutMs: Infinity, timeoutMs: fleet.scheduleTimeoutMs });
  }
  if (change.action === 'create' && unit.role !== 'template') {
    // A unit destroyed behind devbot's back (drift) and now made again from the same file: its old
    // row, same hash, may still linger in /state and would pass for the new unit's at once.
    await waitUntilForgotten({ scheduler, unit: unit.name, hash: unit.hash, machines, signal, log: r.log, pollMs: fleet.pollMs, scheduleTimeoutMs: Infinity, timeoutMs: fleet.scheduleTimeoutMs });
  }
  if (change.action !== 'wait') await scheduler.create(unit.name, unit.options, 'launched');
  const copies = r.spec.placement.global ? Math.max(1, machinesFor(r.spec, machines).length) : 1;
  const states = await waitUntilActive({
    scheduler, unit: unit.name, hash: unit.hash, copies, machines, signal, log: r.log,
    pollMs: fleet.pollMs, scheduleTimeoutMs: fleet.scheduleTimeoutMs, timeoutMs: startTimeoutFor(r.spec, fleet), settleMs: restartSecOf(unit.options),
  });
  const where = states.map((s) => describeMachine(s.machineId, machines)).join(', ');
  const health = r.spec.health;
  if (!health) return `${unit.name} active on ${where}`;
  for (const s of states) {
    const machine = machines.find((m) => m.id === s.machineId) ?? { id: s.machineId, ip: '', metadata: {} };
    const result = await awaitHealth(scheduler, health, { unit: unit.name, instance: instanceOfUnit(unit.name), machine }, { signal, log: r.log });
    if (result.status === 'critical') {
      throw new UnitFailedError(unit.name, 'unhealthy', `${unit.name} is active on ${describeMachine(s.machineId, machines)} but failed its health check: ${result.output}.`);
    }
    r.log(`${unit.name}: health ${result.status} (${result.output})`);
  }
  return `${unit.name} active and healthy on ${where}`;
}

/**
 * Rolls a plan out one instance at a time: the template first (submitted, never started), then
 * each unit, which must be active and pass its health check before the next is touched; then the
 * units the catalog no longer has. Throws at the first failure (UnitFailedError names the unit).
 */
export async function rollOut(r: Rollout): Promise<void> {
  const { plan, scheduler } = r;
  const t = plan.template;
  if (t && t.action !== 'keep') {
    await r.step(`Submit template ${t.unit.name} (${plan.to})`, async () => {
      if (t.action === 'replace') await scheduler.destroy(t.unit.name);
      await scheduler.create(t.unit.name, t.unit.options, 'inactive');
      return true;
    });
  }
  for (const change of plan.changes) {
    if (change.action === 'keep') {
      r.done.push(`${change.unit.name} unchanged and active`);
      continue;
    }
    const result = await r.step(`${change.unit.name}: ${verbOf(change)} (${plan.to})`, () => rollOne(r, change));
    r.done.push(result ?? `${change.unit.name} done in an earlier attempt`);
  }
  if (r.removeUnits) for (const unit of plan.remove) await r.step(`Remove ${unit} (no longer in the catalog)`, () => scheduler.destroy(unit));
}
