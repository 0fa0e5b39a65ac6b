import { ConfigError } from '../errors.js';
import type { Catalog } from './catalog-schema.js';
import { serviceOfUnit } from './unit-names.js';

/** Service → the catalog services it needs first. */
export type DependencyGraph = Record<string, string[]>;

/** A reference (`btsync`, `postgres@1.service`, `docker.service`) as the catalog service it names, if any. */
function serviceOfRef(ref: string, catalog: Catalog): string | undefined {
  if (catalog.services[ref]) return ref;
  const service = serviceOfUnit(ref);
  return ref.includes('.') && catalog.services[service] ? service : undefined;
}

/**
 * What each service waits for: the catalog services named in its `after`, `requires` and
 * `placement.machineOf` (units outside the catalog, such as docker.service, are systemd's to order).
 */
export function dependencyGraph(catalog: Catalog): DependencyGraph {
  const graph: DependencyGraph = {};
  for (const [name, spec] of Object.entries(catalog.services)) {
    const refs = [...spec.after, ...spec.requires, ...(spec.placement.machineOf ? [spec.placement.machineOf] : [])];
    const deps = refs.map((r) => serviceOfRef(r, catalog)).filter((s): s is string => s !== undefined && s !== name);
    graph[name] = [...new Set(deps)].sort();
  }
  return graph;
}

/** A cycle in the graph, as the path that closes it (`a → b → a`), or undefined. */
export function findCycle(graph: DependencyGraph): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const dep of graph[node] ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of Object.keys(graph).sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** The config error for a cycle: which services wait for each other, and through which field. */
export function cycleError(cycle: string[]): ConfigError {
  return new ConfigError(`The service catalog has a dependency cycle: ${cycle.join(' → ')}. Each waits for the next (after, requires or machineOf), so none could ever start first; break the cycle in the catalog.`);
}

/**
 * Services in an order that puts every service after what it needs; among those free to go, the
 * one with the longest chain of dependants after it first (what the rest waits on), then by name.
 * Throws ConfigError naming the cycle when there is one.
 */
export function dependencyOrder(graph: DependencyGraph): string[] {
  const cycle = findCycle(graph);
  if (cycle) throw cycleError(cycle);
  const depth = chainBelow(graph);
  const placed = new Set<string>();
  const order: string[] = [];
  const names = Object.keys(graph);
  while (order.length < names.length) {
    const ready = names.filter((n) => !placed.has(n) && (graph[n] ?? []).every((d) => placed.has(d) || graph[d] === undefined));
    ready.sort((a, b) => (depth[b] ?? 0) - (depth[a] ?? 0) || a.localeCompare(b));
    const next = ready[0]!;
    placed.add(next);
    order.push(next);
  }
  return order;
}

/** Per service, how many services at most wait on it in a chain (0 for one nothing needs). */
export function chainBelow(graph: DependencyGraph): Record<string, number> {
  const dependants: Record<string, string[]> = {};
  for (const [n, deps] of Object.entries(graph)) for (const d of deps) (dependants[d] ??= []).push(n);
  const memo: Record<string, number> = {};
  const below = (n: string): number => (memo[n] ??= Math.max(0, ...(dependants[n] ?? []).map((m) => 1 + below(m))));
  return Object.fromEntries(Object.keys(graph).map((n) => [n, below(n)]));
}

/**
 * How long the graph takes at best with `parallelism` services at a time, each taking
 * `durationMs[service]`: a list schedule that starts, whenever a slot is free, the ready service
 * whose remaining chain is longest. With unlimited parallelism that is the critical path.
 * Returns the makespan and the chain of services that set it.
 */
export function criticalPath(graph: DependencyGraph, durationMs: Record<string, number>, parallelism: number): { ms: number; path: string[] } {
  const order = dependencyOrder(graph);
  const finish: Record<string, number> = {};
  const startedAt: Record<string, number> = {};
  const slots = Array.from({ length: Math.max(1, parallelism) }, () => 0);
  const pending = [...order];
  const waitedOn: Record<string, string | undefined> = {};
  while (pending.length) {
    slots.sort((a, b) => a - b);
    const free = slots[0]!;
    // The first ready service in priority order, at the earliest moment both a slot and its dependencies are done.
    const pick = pending.filter((s) => (graph[s] ?? []).every((d) => d in finish || graph[d] === undefined)).map((s) => ({ s, at: Math.max(free, ...(graph[s] ?? []).map((d) => finish[d] ?? 0)) })).sort((a, b) => a.at - b.at || order.indexOf(a.s) - order.indexOf(b.s))[0]!;
    pending.splice(pending.indexOf(pick.s), 1);
    startedAt[pick.s] = pick.at;
    finish[pick.s] = pick.at + (durationMs[pick.s] ?? 0);
    const lastDep = [...(graph[pick.s] ?? [])].sort((a, b) => (finish[b] ?? 0) - (finish[a] ?? 0))[0];
    waitedOn[pick.s] = lastDep !== undefined && finish[lastDep] === pick.at ? lastDep : undefined;
    slots[0] = finish[pick.s]!;
  }
  const last = Object.keys(finish).sort((a, b) => finish[b]! - finish[a]!)[0];
  const path: string[] = [];
  for (let s = last; s !== undefined; s = waitedOn[s]) path.unshift(s);
  return { ms: last === undefined ? 0 : finish[last]!, path };
}
