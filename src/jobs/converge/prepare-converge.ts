import type { JobContext } from '../job-kind.js';
import { fleetContext, type FleetContext } from '../deploy/fleet-context.js';
import { planConverge, type ConvergePlan } from './plan-converge.js';

export interface ConvergeInput {
  environment: string;
  only?: string[];
  prune: boolean;
}

/** How many history records converge reads to know each service's current version. */
const HISTORY_READ = 500;

/**
 * Reads the catalog (afresh), fleet's units and states and the deployment history, and plans.
 * Done again on every attempt and for the preview: the plan follows what runs now.
 */
export async function prepareConverge(ctx: Pick<JobContext, 'deps' | 'signal'>, input: ConvergeInput): Promise<{ fc: FleetContext; plan: ConvergePlan }> {
  const fc = fleetContext(ctx.deps, input.environment);
  const [units, states, history] = await Promise.all([
    fc.scheduler.units({ signal: ctx.signal }),
    fc.scheduler.states({ signal: ctx.signal }),
    fc.deployments.list({ limit: HISTORY_READ }),
  ]);
  const plan = planConverge({ environment: input.environment, catalog: fc.catalog, units, states, history, only: input.only, prune: input.prune, parallelism: fc.fleet.convergeParallelism });
  return { fc, plan };
}
