import type { ChatMessage } from '../ports/chat.js';
import type { Machine, ScheduledUnit, UnitState } from '../ports/scheduler.js';
import { chunkLines } from './chunk-lines.js';
import { escapeMrkdwn, fitMessage, section, SLACK_LIMITS } from './limits.js';

export interface UnitsView {
  environment: string;
  units: ScheduledUnit[];
  states: UnitState[];
  machines: Machine[];
  /** What the list was narrowed to (a service or a unit), if anything. */
  filter?: string;
}

const metadataOf = (m: Machine) => Object.entries(m.metadata).map(([k, v]) => `${k}=${v}`).join(' ');

/** "4066df21 10.0.1.5" — fleetctl's short machine id, and its address. */
export function machineLabel(id: string, machines: Machine[]): string {
  const m = machines.find((x) => x.id === id);
  return `${id.slice(0, 8)}${m?.ip ? ` ${m.ip}` : ''}`;
}

function unitLine(u: ScheduledUnit, states: UnitState[], machines: Machine[]): string {
  if (/@\./.test(u.name)) return `${u.name} · template (its instances run, it does not)`;
  const mine = states.filter((s) => s.name === u.name);
  const where = mine.length ? mine.map((s) => `${s.activeState} (${s.subState}) on ${machineLabel(s.machineId, machines)}`).join(', ') : u.desiredState === 'inactive' ? 'not loaded' : 'not scheduled';
  return `${u.name} · desired ${u.desiredState} · ${where}`;
}

/** Counts for the summary line: active, failed, other. */
export function countUnits(units: ScheduledUnit[], states: UnitState[]): { active: number; failed: number; other: number } {
  const running = units.filter((u) => !/@\./.test(u.name));
  const stateOf = (u: ScheduledUnit) => states.filter((s) => s.name === u.name);
  const active = running.filter((u) => stateOf(u).length > 0 && stateOf(u).every((s) => s.activeState === 'active')).length;
  const failed = running.filter((u) => stateOf(u).some((s) => s.activeState === 'failed')).length;
  return { active, failed, other: running.length - active - failed };
}

/** `/dev units list [service|unit]`: each unit, its desired state, systemd's state and where; then the machines. */
export function renderUnitsList(v: UnitsView): ChatMessage {
  const c = countUnits(v.units, v.states);
  const title = `Units${v.filter ? ` matching ${v.filter}` : ''} in ${v.environment}: ${c.active} active, ${c.failed} failed, ${c.other} other`;
  const lines = v.units.length ? v.units.map((u) => unitLine(u, v.states, v.machines)) : [v.filter ? `No unit matches ${v.filter}.` : 'fleet has no units.'];
  const machines = v.machines.map((m) => `${machineLabel(m.id, v.machines)} · ${metadataOf(m) || 'no metadata'} · ${v.states.filter((s) => s.machineId === m.id).length} unit(s)`);
  const text = [title, ...lines, `Machines (${v.machines.length}):`, ...machines].join('\n');
  const chunks = chunkLines(lines.map(escapeMrkdwn), SLACK_LIMITS.sectionText - 100);
  return fitMessage({
    text,
    blocks: [section(`*${escapeMrkdwn(title)}*`), ...chunks.map((ch) => section(ch)), section(`*Machines (${v.machines.length})*\n${machines.map(escapeMrkdwn).join('\n')}`)],
  });
}
