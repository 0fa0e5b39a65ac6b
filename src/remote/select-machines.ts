import { UsageError } from '../errors.js';
import type { Machine, UnitState } from '../ports/scheduler.js';
import { normalizeUnitName } from '../units/unit-names.js';

/**
 * The machines `/dev exec <where>` runs on: `role=worker` (every machine with that metadata),
 * a machine id (or its first 8+ characters) or IP, or a unit (the machines fleet placed it on).
 */
export function selectMachines(where: string, machines: Machine[], states: UnitState[]): Machine[] {
  const meta = /^([A-Za-z0-9_-]+)=(.+)$/.exec(where);
  if (meta) {
    const [, key, value] = meta as unknown as [string, string, string];
    const found = machines.filter((m) => m.metadata[key] === value);
    if (!found.length) throw new UsageError(`No machine has ${key}=${value}.`);
    return found;
  }
  const byMachine = machines.filter((m) => m.ip === where || m.id === where || (where.length >= 8 && m.id.startsWith(where)));
  if (byMachine.length === 1) return byMachine;
  if (byMachine.length > 1) throw new UsageError(`${where} names ${byMachine.length} machines; give more of the id.`);
  const unit = normalizeUnitName(where);
  const ids = new Set(states.filter((s) => s.name === unit || s.name.startsWith(`${unit.replace(/\.[a-z]+$/, '')}@`)).map((s) => s.machineId));
  const onUnit = machines.filter((m) => ids.has(m.id));
  if (!onUnit.length) throw new UsageError(`${where} is no machine id, IP, role=… or unit fleet knows.`);
  return onUnit;
}
