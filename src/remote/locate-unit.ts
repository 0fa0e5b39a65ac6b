import { UsageError } from '../errors.js';
import type { Machine, UnitState } from '../ports/scheduler.js';
import { normalizeUnitName } from '../units/unit-names.js';

/**
 * The unit whose journal `/dev logs <unit>` reads, and the machine fleet placed it on. A template
 * (`web@`, `web@.service`, or `web` when only instances exist) means its first active instance;
 * `web@2` that instance. UsageError when fleet reports it nowhere.
 */
export function locateUnit(input: string, states: UnitState[], machines: Machine[]): { unit: string; machine: Machine } {
  const exact = normalizeUnitName(input);
  const base = exact.replace(/@?\.[a-z]+$/, '');
  const template = exact.includes('@.') || input.endsWith('@') || !states.some((s) => s.name === exact);
  const candidates = template ? states.filter((s) => s.name.startsWith(`${base}@`) && !s.name.includes('@.')) : states.filter((s) => s.name === exact);
  const ranked = [...candidates].sort((a, b) => Number(b.activeState === 'active') - Number(a.activeState === 'active') || a.name.localeCompare(b.name, 'en', { numeric: true }));
  for (const state of ranked) {
    const machine = machines.find((m) => m.id === state.machineId);
    if (machine) return { unit: state.name, machine };
  }
  throw new UsageError(`fleet does not report ${exact} on any machine: \`/dev units list\` shows where units run.`);
}
