import type { FakeMachine } from './machines.js';
import { globMatch, type XFleet } from './x-fleet.js';

/** Every MachineMetadata key must be present with one of its listed values. */
export function matchesMetadata(x: XFleet, machine: FakeMachine): boolean {
  return [...x.metadata].every(([key, values]) => machine.metadata[key] !== undefined && values.has(machine.metadata[key]!));
}

interface Placed {
  name: string;
  x: XFleet;
}

/** Conflicts work both ways: mine against theirs, and theirs against me. */
function conflicts(name: string, x: XFleet, others: Placed[]): boolean {
  return others.some((o) => x.conflicts.some((c) => globMatch(c, o.name)) || o.x.conflicts.some((c) => globMatch(c, name)));
}

/**
 * fleet's engine, simplified to what placement depends on: MachineID, MachineOf, MachineMetadata
 * and Conflicts filter the machines; of those left, the one running the fewest units wins (ties:
 * the order machines joined). Undefined when no machine fits: the unit stays unscheduled, as in fleet.
 */
export function pickMachine(name: string, x: XFleet, machines: FakeMachine[], placedOn: (machineId: string) => Placed[]): FakeMachine | undefined {
  const fits = machines.filter((m) => {
    if (x.machineId && m.id !== x.machineId) return false;
    if (!matchesMetadata(x, m)) return false;
    const here = placedOn(m.id);
    if (x.machineOf.some((peer) => !here.some((o) => o.name === peer))) return false;
    return !conflicts(name, x, here);
  });
  return fits.reduce<FakeMachine | undefined>((best, m) => (best === undefined || placedOn(m.id).length < placedOn(best.id).length ? m : best), undefined);
}
