import { ConflictError } from '../../errors.js';
import { FencedError } from '../../ports/locks.js';
import type { Machine } from '../../ports/scheduler.js';
import { deploymentRecord } from '../deploy/deployment-record.js';
import { planDeploy, type DeployPlan } from '../deploy/plan-deploy.js';
import { isNoop, renderedUnitsOf } from '../deploy/prepare-deploy.js';
import { fencedScheduler } from '../deploy/fenced-scheduler.js';
import type { FleetContext } from '../deploy/fleet-context.js';
import { rollOut } from '../deploy/roll-out.js';
import { UnitFailedError } from '../deploy/wait-for-unit.js';
import type { JobContext } from '../job-kind.js';
import type { ServicePlan } from './plan-converge.js';
import { bothFences, holdServiceLock, serviceLockTarget } from './service-lock.js';
import type { ServiceOutcome } from './service-status.js';

async function replan(sp: ServicePlan, fc: FleetContext, signal: AbortSignal): Promise<DeployPlan> {
  const [units, states] = await Promise.all([fc.scheduler.units({ signal }), fc.scheduler.states({ signal })]);
  const fresh = planDeploy({ service: sp.service, version: sp.deploy.to, rendered: renderedUnitsOf(fc.catalog, sp.service), units, states, history: sp.history });
  return { ...fresh, from: sp.deploy.from };
}

export interface ConvergeServiceRun {
  ctx: JobContext;
  fc: FleetContext;
  machines: Machine[];
  prune: boolean;
  /** Tells the message the service now waits for its lock (a deploy of it runs), or (undefined) no longer. */
  onLockWait(detail: string | undefined): void;
}

/**
 * One service of a converge: under its deploy lock `service/<svc>@<env>`, the same rollout as
 * `/dev deploy` (roll-out.ts), one instance at a time with health checks; its outcome recorded in
 * the deployment history as kind `converge`. Never throws for the service's own failure (it is the
 * outcome); a lost lock or a cancel does throw.
 */
export async function convergeService(sp: ServicePlan, run: ConvergeServiceRun): Promise<ServiceOutcome> {
  const { ctx, fc } = run;
  const { progress, signal } = ctx;
  const say = (line: string) => progress.log(`${sp.service}: ${line}`);
  let lock;
  try {
    lock = await holdServiceLock(ctx, serviceLockTarget(sp.service, fc.environment), {
      waitMs: fc.fleet.convergeLockWaitMs,
      pollMs: fc.fleet.pollMs,
      onWait: (holder) => {
        say(`waiting: ${holder}`);
        run.onLockWait(holder);
      },
    });
  } catch (e) {
    if (e instanceof ConflictError) return { ok: false, error: e.userFacing, unitState: 'not started' };
    throw e;
  } finally {
    run.onLockWait(undefined);
  }
  const fence = bothFences(ctx.fence, lock);
  const done: string[] = [];
  try {
    // Planned when the converge began: a deploy may have run since (converge may have waited for
    // it), so the service is planned again from what fleet runs now, under its lock.
    const deploy = await replan(sp, fc, signal);
    if (isNoop(deploy) || (!run.prune && deploy.changes.every((c) => c.action === 'keep') && (deploy.template?.action ?? 'keep') === 'keep')) {
      say('already as the catalog says (changed since the plan): kept');
      return { ok: true, detail: 'already as the catalog says' };
    }
    say(`${deploy.from && deploy.from !== deploy.to ? `${deploy.from} → ` : ''}${deploy.to}: starting`);
    let failure: unknown;
    try {
      await rollOut({
        scheduler: fencedScheduler(fc.scheduler, fence), fleet: fc.fleet, spec: sp.spec, plan: deploy, machines: run.machines, signal, done, removeUnits: run.prune,
        log: (l) => progress.log(l),
        async step(name, fn) {
          const value = await fn();
          progress.log(`✓ ${name}`);
          return value;
        },
      });
    } catch (e) {
      if (e instanceof FencedError || signal.aborted) throw e;
      failure = e;
    }
    const error = failure ? (failure as Error).message : undefined;
    await fence.check()
      .then(() => fc.deployments.record(deploymentRecord(ctx, deploy, 'converge', failure ? 'failed' : 'succeeded', error)))
      .catch((e: unknown) => {
        if (e instanceof FencedError) throw e;
        say(`not recorded in etcd (${(e as Error).message})`);
      });
    if (failure) return { ok: false, error: error!, unitState: failure instanceof UnitFailedError ? failure.state : undefined };
    return { ok: true, detail: done.join('; ') };
  } finally {
    await lock.release();
  }
}
