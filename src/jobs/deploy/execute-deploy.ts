import { RefusedError } from '../../errors.js';
import type { DeploymentRecord } from '../../ports/deployments.js';
import { FencedError } from '../../ports/locks.js';
import { describeFailedDeploy, failureExtras } from '../../render/deploy.js';
import { failedUnitJournal } from './failed-unit-journal.js';
import type { ServiceSpec } from '../../units/catalog-schema.js';
import type { JobContext } from '../job-kind.js';
import { deploymentRecord } from './deployment-record.js';
import { fencedScheduler } from './fenced-scheduler.js';
import type { FleetContext } from './fleet-context.js';
import type { DeployPlan } from './plan-deploy.js';
import { rollOut } from './roll-out.js';
import { UnitFailedError } from './wait-for-unit.js';

export interface DeployRun {
  ctx: JobContext;
  fc: FleetContext;
  spec: ServiceSpec;
  plan: DeployPlan;
  kind: DeploymentRecord['kind'];
}

/**
 * Rolls a plan out one instance at a time (roll-out.ts, shared with converge): each must be active
 * and pass its health check before the next is touched. Stops at the first failure, records the
 * outcome in etcd either way, and throws a RefusedError naming the failed unit, its state, and how
 * to roll back.
 */
export async function executeDeploy(run: DeployRun): Promise<string> {
  const { deployments, fleet } = run.fc;
  const { progress, signal, fence } = run.ctx;
  const { plan } = run;
  const scheduler = fencedScheduler(run.fc.scheduler, fence);
  const started = Date.now();
  const machines = await scheduler.machines({ signal });
  const done: string[] = [];
  let failure: unknown;
  try {
    await rollOut({ scheduler, fleet, spec: run.spec, plan, machines, signal, done, removeUnits: true, step: (n, fn) => progress.step(n, fn), log: (l) => progress.log(l) });
  } catch (e) {
    failure = e;
  }
  const record = (outcome: DeploymentRecord['outcome'], detail?: string) => deploymentRecord(run.ctx, plan, run.kind, outcome, detail);
  if (failure && signal.aborted) {
    // Cancelled between two instances: recorded as failed, so a rollback goes back to what ran
    // before. Not by a run that lost its lock: the run that took over writes the history.
    const reason = typeof signal.reason === 'string' ? signal.reason : 'cancelled';
    await fence.check().then(() => deployments.record(record('failed', `cancelled (${reason}) after: ${done.join('; ') || 'nothing'}`))).catch(() => undefined);
    throw failure;
  }
  // Read while the outcome is recorded: the journal says why, and is bounded so it never holds the report up.
  const journal = failure instanceof UnitFailedError && failure.state !== 'not scheduled'
    ? failedUnitJournal(run.ctx.deps, { environment: run.fc.environment, unit: failure.unit, scheduler: run.fc.scheduler, machines, signal })
    : Promise.resolve(undefined);
  const entry = failure ? record('failed', (failure as Error).message) : record('succeeded');
  const recorded = await progress.step('Record the deployment in etcd', async () => {
    await fence.check();
    await deployments.record(entry);
    return true;
  }).catch((e: unknown) => {
    if (e instanceof FencedError) throw e;
    return (e as Error).message;
  });
  if (failure) {
    const failedUnit = failure instanceof UnitFailedError ? failure.unit : undefined;
    const read = await journal;
    progress.attach?.(failureExtras({ plan, kind: run.kind, environment: run.fc.environment, journal: read }));
    throw new RefusedError(describeFailedDeploy({ plan, kind: run.kind, environment: run.fc.environment, error: (failure as Error).message, failedUnit, done, journal: read }));
  }
  const note = typeof recorded === 'string' ? ` Not recorded in etcd (${recorded}): /dev rollback will not know about it.` : '';
  const active = plan.changes.length;
  return `${plan.service} ${plan.from && plan.from !== plan.to ? `${plan.from} → ` : ''}${plan.to} in ${run.fc.environment}: ${active}/${active} instance${active === 1 ? '' : 's'} active${run.spec.health ? ' and healthy' : ''} (${done.join('; ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s.${note}`;
}
