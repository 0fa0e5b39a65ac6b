import { UsageError } from '../../errors.js';
import type { DeploymentRecord } from '../../ports/deployments.js';
import type { ScheduledUnit, UnitState } from '../../ports/scheduler.js';
import type { Catalog, ServiceSpec } from '../../units/catalog-schema.js';
import { dependencyGraph, dependencyOrder } from '../../units/dependency-order.js';
import { serviceOfUnit } from '../../units/unit-names.js';
import { planDeploy, type DeployPlan } from '../deploy/plan-deploy.js';
import { renderedUnitsOf } from '../deploy/prepare-deploy.js';

/** One service of a converge: its deploy plan at the catalog's version, and what it waits for. */
export interface ServicePlan {
  service: string;
  spec: ServiceSpec;
  /** `remove` lists its units the catalog no longer renders (scaled down): removed only with --prune. */
  deploy: DeployPlan;
  /** create: none of its units exist; update: some are created, replaced or awaited; keep: all as the catalog says. */
  action: 'create' | 'update' | 'keep';
  /** Services of this converge that must be active before it starts. */
  needs: string[];
  /** Its deployment history, newest first (a replan under its lock reads it too). */
  history: DeploymentRecord[];
}

export interface ConvergePlan {
  environment: string;
  /** In dependency order. */
  services: ServicePlan[];
  /** Units fleet has whose service the catalog does not know (only without --only). */
  unknown: string[];
  prune: boolean;
  parallelism: number;
}

function actionOf(plan: DeployPlan, prune: boolean): ServicePlan['action'] {
  const changes = [...(plan.template ? [plan.template] : []), ...plan.changes];
  if (changes.every((c) => c.action === 'create')) return 'create';
  if (changes.every((c) => c.action === 'keep') && (!prune || plan.remove.length === 0)) return 'keep';
  return 'update';
}

/**
 * The whole catalog (or `only` of it) against fleet, service by service, in dependency order.
 * Pure. Throws ConfigError naming a dependency cycle, UsageError for an `only` name the catalog
 * does not have.
 */
export function planConverge(input: {
  environment: string;
  catalog: Catalog;
  units: ScheduledUnit[];
  states: UnitState[];
  history: DeploymentRecord[];
  only?: string[];
  prune: boolean;
  parallelism: number;
}): ConvergePlan {
  const { catalog } = input;
  const graph = dependencyGraph(catalog);
  const order = dependencyOrder(graph);
  const missing = (input.only ?? []).filter((s) => !catalog.services[s]);
  if (missing.length) throw new UsageError(`No service ${missing.map((s) => `'${s}'`).join(', ')} in the catalog. Known: ${Object.keys(catalog.services).sort().join(', ')}.`);
  const selected = new Set(input.only ?? order);
  const services = order.filter((s) => selected.has(s)).map((service): ServicePlan => {
    const spec = catalog.services[service]!;
    const history = input.history.filter((r) => r.service === service);
    const deploy = planDeploy({ service, version: spec.version, rendered: renderedUnitsOf(catalog, service), units: input.units, states: input.states, history });
    return { service, spec, deploy, action: actionOf(deploy, input.prune), needs: (graph[service] ?? []).filter((d) => selected.has(d)), history };
  });
  const unknown = input.only ? [] : input.units.filter((u) => !catalog.services[serviceOfUnit(u.name)]).map((u) => u.name).sort();
  return { environment: input.environment, services, unknown, prune: input.prune, parallelism: input.parallelism };
}

/** Nothing to do: every service kept, and nothing to prune. */
export const convergeIsNoop = (plan: ConvergePlan): boolean => plan.services.every((s) => s.action === 'keep') && (!plan.prune || plan.unknown.length === 0);
