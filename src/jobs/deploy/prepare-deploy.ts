import { UsageError } from '../../errors.js';
import { TAG_PATTERN, type Catalog, type ServiceSpec } from '../../units/catalog-schema.js';
import { renderService, type RenderedUnit } from '../../units/render-units.js';
import type { JobContext } from '../job-kind.js';
import { fleetContext, serviceSpec, type FleetContext } from './fleet-context.js';
import { planDeploy, type DeployPlan } from './plan-deploy.js';

export interface PreparedDeploy {
  fc: FleetContext;
  spec: ServiceSpec;
  plan: DeployPlan;
}

/**
 * Reads the catalog, fleet's units and states and the history, and plans. Done again on every
 * attempt (and for the preview): a plan is a function of what runs now, so a resumed deploy
 * carries on from where the cluster is, not from where a lost worker thought it was.
 */
export async function prepareDeploy(
  ctx: Pick<JobContext, 'deps' | 'signal'>,
  input: { environment: string; service: string; version?: string; from?: string },
): Promise<PreparedDeploy> {
  const fc = fleetContext(ctx.deps, input.environment);
  const spec = serviceSpec(fc.catalog, input.service);
  const version = input.version ?? spec.version;
  if (!TAG_PATTERN.test(version)) throw new UsageError(`'${version}' is not a docker tag (letters, digits, _ . -, at most 128).`);
  const [units, states, history] = await Promise.all([
    fc.scheduler.units({ signal: ctx.signal }),
    fc.scheduler.states({ signal: ctx.signal }),
    fc.deployments.list({ service: input.service, limit: 20 }),
  ]);
  const plan = planDeploy({ service: input.service, version, rendered: renderedUnitsOf(fc.catalog, input.service, version), units, states, history });
  return { fc, spec, plan: input.from ? { ...plan, from: input.from } : plan };
}

/**
 * A service's units as deploy submits them (the catalog's version unless given): what converge and
 * drift compare fleet with too, so the three never disagree about a unit's file.
 */
export function renderedUnitsOf(catalog: Catalog, service: string, version?: string): RenderedUnit[] {
  return renderService(service, catalog, version);
}

/** True when nothing would change: every unit kept, nothing removed. */
export function isNoop(plan: DeployPlan): boolean {
  return plan.changes.every((c) => c.action === 'keep') && (plan.template?.action ?? 'keep') === 'keep' && plan.remove.length === 0;
}
