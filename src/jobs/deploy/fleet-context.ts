import type { FleetConfig } from '../../config/fleet-schema.js';
import type { Deps } from '../../deps.js';
import { RefusedError, UsageError } from '../../errors.js';
import type { Deployments } from '../../ports/deployments.js';
import type { Scheduler } from '../../ports/scheduler.js';
import type { Catalog, ServiceSpec } from '../../units/catalog-schema.js';
import { loadCatalog } from '../../units/load-catalog.js';

export interface FleetContext {
  environment: string;
  fleet: FleetConfig;
  scheduler: Scheduler;
  deployments: Deployments;
  catalog: Catalog;
}

/** An environment's fleet settings and scheduler, or a refusal saying how to configure them. */
export function fleetOf(deps: Pick<Deps, 'config' | 'schedulerFor'>, environment: string): { fleet: FleetConfig; scheduler: Scheduler } {
  const fleet = deps.config.environments[environment]?.fleet;
  if (!fleet) throw new RefusedError(`fleet is not configured for ${environment}: add \`environments.${environment}.fleet.url\` to devbot's config.`);
  return { fleet, scheduler: deps.schedulerFor(environment) };
}

/** Also the catalog (read afresh) and the deployment history: what deploy and rollback need. */
export function fleetContext(deps: Pick<Deps, 'config' | 'schedulerFor' | 'deploymentsFor'>, environment: string): FleetContext {
  const { fleet, scheduler } = fleetOf(deps, environment);
  return { environment, fleet, scheduler, deployments: deps.deploymentsFor(environment), catalog: loadCatalog(fleet.catalog, { startTimeoutMs: fleet.startTimeoutMs }) };
}

/** A catalog service, or a usage error listing the known ones. */
export function serviceSpec(catalog: Catalog, service: string): ServiceSpec {
  const spec = catalog.services[service];
  if (!spec) throw new UsageError(`No service '${service}' in the catalog. Known: ${Object.keys(catalog.services).sort().join(', ')}.`);
  return spec;
}
