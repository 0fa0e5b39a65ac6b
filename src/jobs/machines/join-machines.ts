import type { StackInstance } from '../../ports/instances.js';
import type { Machine, UnitState } from '../../ports/scheduler.js';
import { GROUP_LOGICAL_IDS } from '../../stack/node-groups.js';

/** One fleet machine, with the EC2 instance at its IP when AWS knows one. */
export interface MachineRow {
  machine: Machine;
  instance?: StackInstance;
  /** main, worker, data: from the instance's group, else from the machine's fleet metadata. */
  role?: string;
  /** The units fleet reports on this machine, with their systemd state. */
  units: Array<{ name: string; activeState: string }>;
}

export interface JoinedMachines {
  rows: MachineRow[];
  /** Instances of the stack no fleet machine has the IP of: fleet is dead (or not yet up) on them. */
  withoutFleet: StackInstance[];
  /** Undefined when AWS is not configured: then no row has an instance and none is missing one. */
  instances?: StackInstance[];
}

const ROLE_OF_LOGICAL_ID = new Map(Object.entries(GROUP_LOGICAL_IDS).map(([role, id]) => [id, role]));

/** The role an instance's group stands for, or undefined for a group that is no node group of the stack. */
export function roleOfInstance(instance: StackInstance): string | undefined {
  return instance.group ? ROLE_OF_LOGICAL_ID.get(instance.group.logicalId) : undefined;
}

/** Joins fleet's machines with the stack's instances by private IP. */
export function joinMachines(machines: Machine[], states: UnitState[], instances: StackInstance[] | undefined): JoinedMachines {
  const byIp = new Map((instances ?? []).filter((i) => i.privateIp).map((i) => [i.privateIp!, i]));
  const rows = machines.map((machine): MachineRow => {
    const instance = byIp.get(machine.ip);
    const role = (instance && roleOfInstance(instance)) ?? machine.metadata['role'];
    const units = states.filter((s) => s.machineId === machine.id).map((s) => ({ name: s.name, activeState: s.activeState })).sort((a, b) => a.name.localeCompare(b.name));
    return { machine, ...(instance ? { instance } : {}), ...(role ? { role } : {}), units };
  });
  const known = new Set(machines.map((m) => m.ip));
  const withoutFleet = (instances ?? []).filter((i) => !i.privateIp || !known.has(i.privateIp));
  return { rows, withoutFleet, ...(instances ? { instances } : {}) };
}
