import { statSync } from 'node:fs';
import type { StatusLine, StatusPart } from '../../ports/status.js';
import type { Machine, ScheduledUnit, UnitState } from '../../ports/scheduler.js';
import { machineLabel } from '../../render/units.js';
import { loadCatalog } from '../../units/load-catalog.js';
import { serviceOfUnit, unitNamesOf } from '../../units/unit-names.js';
import { worstLevel } from '../levels.js';

/** The last catalog read, by file: a status at scale should not parse the same YAML every time. */
let lastCatalog: { file: string; mtimeMs: number; size: number; expected: Map<string, number> } | undefined;

/** How many units a service should have running, from the catalog when it can be read. */
function expectedUnits(file: string): Map<string, number> {
  try {
    const { mtimeMs, size } = statSync(file);
    if (lastCatalog && lastCatalog.file === file && lastCatalog.mtimeMs === mtimeMs && lastCatalog.size === size) return lastCatalog.expected;
    const catalog = loadCatalog(file);
    const expected = new Map(Object.entries(catalog.services).filter(([, s]) => !s.placement.global).map(([name, s]) => [name, unitNamesOf(name, s).instances.length]));
    lastCatalog = { file, mtimeMs, size, expected };
    return expected;
  } catch {
    return new Map();
  }
}

function describeService(service: string, units: ScheduledUnit[], statesOf: Map<string, UnitState[]>, machines: Machine[], expected: number | undefined): StatusLine {
  const running = units.filter((u) => !/@\./.test(u.name));
  const mine = running.flatMap((u) => statesOf.get(u.name) ?? []);
  const active = mine.filter((s) => s.activeState === 'active');
  const failed = mine.filter((s) => s.activeState === 'failed');
  const want = Math.max(expected ?? 0, running.length, mine.length);
  const where = [...new Set(active.map((s) => machineLabel(s.machineId, machines)))].join(', ');
  const bad = failed.map((s) => `${s.name} FAILED on ${machineLabel(s.machineId, machines)}`);
  const unplaced = running.filter((u) => u.desiredState !== 'inactive' && !statesOf.has(u.name)).map((u) => `${u.name} not scheduled`);
  const problems = [...bad, ...unplaced];
  return {
    label: service,
    value: `${active.length}/${want} active${where ? ` on ${where}` : ''}${problems.length ? ` — ${problems.join('; ')}` : ''}`,
    level: failed.length ? 'critical' : active.length < want ? 'warn' : 'ok',
  };
}

/** `items` grouped by `keyOf`, in one pass: at a thousand units, filtering per service is quadratic. */
function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Units per service (active / failed, and where) and the machines with their metadata. Off without fleet. */
export const unitsPart: StatusPart = {
  name: 'units',
  async collect(ctx) {
    const fleet = ctx.config.environments[ctx.environment]?.fleet;
    if (!fleet || !ctx.scheduler) return { title: 'units', level: 'info', summary: `fleet is not configured for ${ctx.environment}`, lines: [] };
    const [units, states, machines] = await Promise.all([ctx.scheduler.units({ signal: ctx.signal }), ctx.scheduler.states({ signal: ctx.signal }), ctx.scheduler.machines({ signal: ctx.signal })]);
    const expected = expectedUnits(fleet.catalog);
    const byService = groupBy(units, (u) => serviceOfUnit(u.name));
    const statesOf = groupBy(states, (s) => s.name);
    const onMachine = groupBy(states, (s) => s.machineId);
    const services = [...byService.keys()].sort();
    const lines = services.map((s) => describeService(s, byService.get(s)!, statesOf, machines, expected.get(s)));
    const machineLines: StatusLine[] = machines.map((m) => ({
      label: `machine ${m.id.slice(0, 8)}`,
      value: `${m.ip || 'no IP'} · ${Object.entries(m.metadata).map(([k, v]) => `${k}=${v}`).join(' ') || 'no metadata'} · ${onMachine.get(m.id)?.length ?? 0} unit(s)`,
      level: 'info',
    }));
    const failing = lines.filter((l) => l.level === 'critical').map((l) => l.label);
    const summary = `${services.length} service${services.length === 1 ? '' : 's'} on ${machines.length} machine${machines.length === 1 ? '' : 's'}${failing.length ? `; FAILED: ${failing.join(', ')}` : ''}`;
    return { title: 'units', level: machines.length === 0 ? 'critical' : worstLevel(lines), summary: machines.length === 0 ? 'fleet reports no machines' : summary, lines: [...lines, ...machineLines] };
  },
};
