import { RefusedError } from '../../errors.js';
import type { DeploymentRecord } from '../../ports/deployments.js';
import type { Machine } from '../../ports/scheduler.js';
import { describeFailedDeploy } from '../../render/deploy.js';
import type { ServiceSpec } from '../../units/catalog-schema.js';
import { instanceOfUnit } from '../../units/unit-names.js';
import type { JobContext } from '../job-kind.js';
import { awaitHealth } from './await-health.js';
import type { FleetContext } from './fleet-context.js';
import type { DeployPlan, UnitChange } from './plan-deploy.js';
import { describeMachine, machinesFor, UnitFailedError, waitUntilActive } from './wait-for-unit.js';

export interface DeployRun {
  ctx: JobContext;
  fc: FleetContext;
  spec: ServiceSpec;
  plan: DeployPlan;
  kind: DeploymentRecord['kind'];
}

const verbOf = (c: UnitChange) => ({ create: 'start', replace: 'replace', wait: 'wait for', keep: 'keep' })[c.action];

/** One instance: (destroy,) submit launched, wait until active everywhere it runs, then healthy. Returns where it runs. */
async function rollOne(run: DeployRun, change: UnitChange, machines: Machine[]): Promise<string> {
  const { scheduler, fleet } = run.fc;
  const { progress, signal } = run.ctx;
  const { unit } = change;
  if (change.action === 'replace') await scheduler.destroy(unit.name);
  if (change.action !== 'wait') await scheduler.create(unit.name, unit.options, 'launched');
  const copies = run.spec.placement.global ? Math.max(1, machinesFor(run.spec, machines).length) : 1;
  const states = await waitUntilActive({
    scheduler, unit: unit.name, hash: unit.hash, copies, machines, signal, log: (l) => progress.log(l),
    pollMs: fleet.pollMs, scheduleTimeoutMs: fleet.scheduleTimeoutMs, timeoutMs: fleet.startTimeoutMs,
  });
  const where = states.map((s) => describeMachine(s.machineId, machines)).join(', ');
  const health = run.spec.health;
  if (!health) return `${unit.name} active on ${where}`;
  for (const s of states) {
    const machine = machines.find((m) => m.id === s.machineId) ?? { id: s.machineId, ip: '', metadata: {} };
    const result = await awaitHealth(scheduler, health, { unit: unit.name, instance: instanceOfUnit(unit.name), machine }, { signal, log: (l) => progress.log(l) });
    if (result.status === 'critical') {
      throw new UnitFailedError(unit.name, 'unhealthy', `${unit.name} is active on ${describeMachine(s.machineId, machines)} but failed its health check: ${result.output}.`);
    }
    progress.log(`${unit.name}: health ${result.status} (${result.output})`);
  }
  return `${unit.name} active and healthy on ${where}`;
}

/**
 * Rolls a plan out one instance at a time: each must be active and pass its health check before
 * the next is touched. Stops at the first failure, records the outcome in etcd either way, and
 * throws a RefusedError naming the failed unit, its state, and how to roll back.
 */
export async function executeDeploy(run: DeployRun): Promise<string> {
  const { scheduler, deployments } = run.fc;
  const { progress, signal, deps, data, jobId } = run.ctx;
  const { plan } = run;
  const started = Date.now();
  const machines = await scheduler.machines({ signal });
  const done: string[] = [];
  let failure: unknown;
  try {
    const t = plan.template;
    if (t && t.action !== 'keep') {
      await progress.step(`Submit template ${t.unit.name} (${plan.to})`, async () => {
        if (t.action === 'replace') await scheduler.destroy(t.unit.name);
        await scheduler.create(t.unit.name, t.unit.options, 'inactive');
        return true;
      });
    }
    for (const change of plan.changes) {
      if (change.action === 'keep') {
        done.push(`${change.unit.name} unchanged and active`);
        continue;
      }
      const result = await progress.step(`${change.unit.name}: ${verbOf(change)} (${plan.to})`, () => rollOne(run, change, machines));
      done.push(result ?? `${change.unit.name} done in an earlier attempt`);
    }
    for (const unit of plan.remove) await progress.step(`Remove ${unit} (no longer in the catalog)`, () => scheduler.destroy(unit));
  } catch (e) {
    failure = e;
  }
  const units = Object.fromEntries([...(plan.template ? [plan.template] : []), ...plan.changes].map((c) => [c.unit.name, c.unit.hash]));
  const record = (outcome: DeploymentRecord['outcome'], detail?: string): DeploymentRecord => ({
    service: plan.service, version: plan.to, previousVersion: plan.from, kind: run.kind, outcome, units,
    user: data.requestedBy.user, at: deps.now().toISOString(), jobId, ...(detail ? { detail } : {}),
  });
  if (failure && signal.aborted) {
    // Cancelled between two instances: recorded as failed, so a rollback goes back to what ran before.
    const reason = typeof signal.reason === 'string' ? signal.reason : 'cancelled';
    await deployments.record(record('failed', `cancelled (${reason}) after: ${done.join('; ') || 'nothing'}`)).catch(() => undefined);
    throw failure;
  }
  const entry = failure ? record('failed', (failure as Error).message) : record('succeeded');
  const recorded = await progress.step('Record the deployment in etcd', () => deployments.record(entry).then(() => true)).catch((e: unknown) => (e as Error).message);
  if (failure) {
    const failedUnit = failure instanceof UnitFailedError ? failure.unit : undefined;
    throw new RefusedError(describeFailedDeploy({ plan, kind: run.kind, environment: run.fc.environment, error: (failure as Error).message, failedUnit, done }));
  }
  const note = typeof recorded === 'string' ? ` Not recorded in etcd (${recorded}): /dev rollback will not know about it.` : '';
  const active = plan.changes.length;
  return `${plan.service} ${plan.from && plan.from !== plan.to ? `${plan.from} → ` : ''}${plan.to} in ${run.fc.environment}: ${active}/${active} instance${active === 1 ? '' : 's'} active${run.spec.health ? ' and healthy' : ''} (${done.join('; ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s.${note}`;
}
