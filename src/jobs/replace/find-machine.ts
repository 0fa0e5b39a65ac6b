import { RefusedError, UsageError } from '../../errors.js';
import type { StackInstance } from '../../ports/instances.js';
import type { Machine } from '../../ports/scheduler.js';
import { roleOfInstance, type JoinedMachines } from '../machines/join-machines.js';

/** The machine a replacement takes out: its EC2 instance (always), its fleet machine (when fleet lists it). */
export interface MachineToReplace {
  instance: StackInstance & { group: NonNullable<StackInstance['group']> };
  machine?: Machine;
  /** main, worker or data: from the instance's group. */
  role: string;
  /** The units fleet reports on the machine now: they must run again somewhere once it is replaced. */
  units: string[];
}

/** Shortest fleet machine id prefix accepted: `/dev machines` shows eight digits. */
const MIN_PREFIX = 6;

const describeRow = (m: Machine, i?: StackInstance) => `${m.id.slice(0, 8)} (${m.ip}${i ? `, ${i.id}` : ''})`;

/**
 * Finds the machine named by a fleet machine id (or a prefix of it), a private IP or an EC2
 * instance id, among fleet's machines and the stack's instances (fleet may be dead on the one to
 * replace). Refuses, saying why and what to do, a name that matches nothing or several, a machine
 * with no EC2 instance of the stack, and an instance in no group devbot manages. Pure.
 */
export function findMachine(query: string, joined: JoinedMachines, environment: string): MachineToReplace {
  const q = query.toLowerCase();
  const rows = joined.rows.filter((r) => r.machine.ip === query || r.machine.id === q || (q.length >= MIN_PREFIX && r.machine.id.startsWith(q)) || r.instance?.id === query);
  if (rows.length > 1) {
    throw new UsageError(`${query} matches ${rows.length} machines: ${rows.map((r) => describeRow(r.machine, r.instance)).join(', ')}. Give more of the machine id, or its IP or instance id.`);
  }
  const row = rows[0];
  const instance = row ? row.instance : joined.withoutFleet.find((i) => i.id === query || i.privateIp === query);
  if (!row && !instance) {
    throw new UsageError(`No machine of ${environment} is ${query}: give a fleet machine id, a private IP or an EC2 instance id, as \`/dev machines --env ${environment}\` lists them.`);
  }
  if (!instance) {
    throw new RefusedError(`${query} is a fleet machine (${row!.machine.ip}) but no EC2 instance of ${environment}'s stack has its IP, so no autoscaling group can replace it. Check \`/dev machines --env ${environment}\`; a machine outside the stack is replaced by hand.`);
  }
  const role = roleOfInstance(instance);
  if (!instance.group || !role) {
    const where = instance.group ? `its group ${instance.group.name} is none of the stack's node groups (MainGroup, WorkerGroup, DataGroup)` : 'it is in no autoscaling group';
    throw new RefusedError(`${instance.id} (${instance.privateIp ?? 'no IP'}) is not in a group devbot manages: ${where}. devbot replaces only machines of the groups it configures (environments.${environment}.aws.groups); replace this one by hand.`);
  }
  return {
    instance: { ...instance, group: instance.group },
    ...(row ? { machine: row.machine } : {}),
    role,
    units: row ? [...new Set(row.units.map((u) => u.name))].sort() : [],
  };
}
