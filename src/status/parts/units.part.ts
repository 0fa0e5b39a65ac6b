import type { StatusLine, StatusPart } from '../../ports/status.js';
import type { Machine, ScheduledUnit, UnitState } from '../../ports/scheduler.js';
import { machineLabel } from '../../render/units.js';
import { loadCatalog } from '../../units/load-catalog.js';
import { serviceOfUnit, unitNamesOf } from '../../units/unit-names.js';
import { worstLevel } from '../levels.js';

/** How many units a service should have running, from the catalog when it can be read. */
function expectedUnits(file: string): Map<string, number> {
  try {
    const catalog = loadCatalog(file);
    return new Map(Object.entries(catalog.services).filter(([, s]) => !s.placement.global).map(([name, s]) => [name, unitNamesOf(name, s).instances.length]));
  } catch {
    return new Map();
  }
}

function describeService(service: string, units: ScheduledUnit[], states: UnitState[], machines: Machine[], expected: number | undefined): StatusLine {
  const running = units.filter((u) => !/@\./.test(u.name));
  const mine = states.filter((s) => running.some((u) => u.name === s.name));
  const active = mine.filter((s) => s.activeState === 'active');
  const failed = mine.filter((s) => s.activeState === 'failed');
  const want = Math.max(expected ?? 0, running.length, mine.length);
  const where = [...new Set(active.map((s) => machineLabel(s.machineId, machines)))].join(', ');
  const bad = failed.map((s) => `${s.name} FAILED on ${machineLabel(s.machineId, machines)}`);
  const unplaced = running.filter((u) => u.desiredState !== 'inactive' && !mine.some((s) => s.name === u.name)).map((u) => `${u.name} not scheduled`);
  const problems = [...bad, ...unplaced];
  return {
    label: service,
    value: `${active.length}/${want} active${where ? ` on ${where}` : ''}${problems.length ? ` — ${problems.join('; ')}` : ''}`,
    level: failed.length ? 'critical' : active.length < want ? 'warn' : 'ok',
  };
}

/** Units per service (active / failed, and where) and the machines with their metadata. Off without fleet. */
export const unitsPart: StatusPart = {
  name: 'units',
  async collect(ctx) {
    const fleet = ctx.config.environments[ctx.environment]?.fleet;
    if (!fleet || !ctx.scheduler) return { title: 'units', level: 'info', summary: `fleet is not configured for ${ctx.environment}`, lines: [] };
    const [units, states, machines] = await Promise.all([ctx.scheduler.units({ signal: ctx.signal }), ctx.scheduler.states({ signal: ctx.signal }), ctx.scheduler.machines({ signal: ctx.signal })]);
    const expected = expectedUnits(fleet.catalog);
    const services = [...new Set(units.map((u) => serviceOfUnit(u.name)))].sort();
    const lines = services.map((s) => describeService(s, units.filter((u) => serviceOfUnit(u.name) === s), states, machines, expected.get(s)));
    const machineLines: StatusLine[] = machines.map((m) => ({
      label: `machine ${m.id.slice(0, 8)}`,
      value: `${m.ip || 'no IP'} · ${Object.entries(m.metadata).map(([k, v]) => `${k}=${v}`).join(' ') || 'no metadata'} · ${states.filter((s) => s.machineId === m.id).length} unit(s)`,
      level: 'info',
    }));
    const failing = lines.filter((l) => l.level === 'critical').map((l) => l.label);
    const summary = `${services.length} service${services.length === 1 ? '' : 's'} on ${machines.length} machine${machines.length === 1 ? '' : 's'}${failing.length ? `; FAILED: ${failing.join(', ')}` : ''}`;
    return { title: 'units', level: machines.length === 0 ? 'critical' : worstLevel(lines), summary: machines.length === 0 ? 'fleet reports no machines' : summary, lines: [...lines, ...machineLines] };
  },
};
