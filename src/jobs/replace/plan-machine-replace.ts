import { stackNameOf } from '../../config/aws-schema.js';
import { RefusedError, UsageError } from '../../errors.js';
import { describeVoters } from '../etcd/replace/plan-replace.js';
import { fleetOf } from '../deploy/fleet-context.js';
import type { JobContext } from '../job-kind.js';
import { joinMachines } from '../machines/join-machines.js';
import { checkCapacity } from './check-capacity.js';
import { checkEtcdMajority, ETCD_MEMBER_METADATA, memberOf, onFixedAddress } from './check-etcd.js';
import { findMachine } from './find-machine.js';

/** What a machine replacement will do, decided from live state; saved as the job's first step (plain JSON). */
export interface MachineReplacePlan {
  stackName: string;
  instanceId: string;
  privateIp?: string;
  zone: string;
  groupName: string;
  logicalId: string;
  role: string;
  /** The fleet machine on it, when fleet lists it. */
  machineId?: string;
  /** Its fleet `role` metadata: the new machine must come up with the same. */
  roleMetadata?: string;
  units: string[];
  /** The group's instances when planned: any other one that shows up InService later is the replacement. */
  groupInstanceIds: string[];
  /** For a main node: the etcd member on it, to hand over to the member replacement. */
  /** `fixedAddress`: the member's peer URL is at an interface the new node attaches too, so it stays. */
  etcd?: { member: string; id: string; peerUrl: string; fixedAddress: boolean; voters: string[] };
  plannedAt: number;
}

/** The machine in words: "worker i-0abc (10.0.2.21, machine 3f2a9c1e)". */
export function describeOld(p: MachineReplacePlan): string {
  return `${p.role} ${p.instanceId} (${[p.privateIp, p.machineId ? `machine ${p.machineId.slice(0, 8)}` : 'not in fleet'].filter(Boolean).join(', ')})`;
}

/**
 * Reads fleet, the stack's instances and groups (and etcd, for a main node) and plans the
 * replacement of `query`, or refuses it saying why and what to do (find-machine, check-capacity,
 * check-etcd).
 */
export async function planMachineReplace(query: string, environment: string, ctx: Pick<JobContext, 'deps' | 'signal'>): Promise<MachineReplacePlan> {
  const { deps, signal } = ctx;
  const env = deps.config.environments[environment];
  if (!env) throw new UsageError(`Unknown environment '${environment}'.`);
  if (!env.aws) throw new RefusedError(`AWS is not configured for ${environment} (\`environments.${environment}.aws\`): devbot replaces machines through their autoscaling groups, so it cannot replace one here.`);
  const stackName = stackNameOf(environment, env.aws);
  const { scheduler } = fleetOf(deps, environment);
  const instances = deps.instancesFor(environment);
  const [machines, states, stackInstances] = await Promise.all([scheduler.machines({ signal }), scheduler.states({ signal }), instances.stackInstances(stackName, { signal })]);
  const target = findMachine(query, joinMachines(machines, states, stackInstances), environment);
  const { group } = target.instance;
  const [views, members] = await Promise.all([deps.groupsFor(environment).listForStack(stackName, { signal }), instances.groupInstances(stackName, group.logicalId, { signal })]);
  const view = views.find((g) => g.name === group.name);
  checkCapacity({ name: group.name, desired: view?.desired ?? members.length }, members, target.instance.id);
  const name = target.machine ? target.machine.id.slice(0, 8) : target.instance.id;
  let etcd: MachineReplacePlan['etcd'];
  if (target.role === 'main') {
    const [membersView, health] = await Promise.all([deps.membersFor(environment).inspect(), deps.clusterFor(environment).health()]);
    const own = [target.instance.privateIp, target.machine?.ip].filter((ip): ip is string => ip !== undefined);
    const interfaceIps = target.instance.addresses ?? [];
    const ips = [...new Set([...own, ...interfaceIps])];
    const member = memberOf(membersView, ips, target.machine);
    if (!member) {
      throw new RefusedError(
        `devbot cannot tell which etcd member runs on the main node ${name}: no member's peer URL is at ${ips.join(' or ')} and fleet's metadata names none (${ETCD_MEMBER_METADATA}=<name>). ` +
          'Check `/dev etcd members`; replace the machine once devbot can tell, or its member with `/dev etcd replace`.',
      );
    }
    checkEtcdMajority(membersView, { hasQuorum: health.hasQuorum, reason: health.quorumReason }, member, name);
    etcd = { member: member.name, id: member.id, peerUrl: member.peerUrls[0] ?? '', fixedAddress: onFixedAddress(member, own, interfaceIps), voters: describeVoters(membersView) };
  }
  return {
    stackName,
    instanceId: target.instance.id,
    ...(target.instance.privateIp ? { privateIp: target.instance.privateIp } : {}),
    zone: target.instance.zone,
    groupName: group.name,
    logicalId: group.logicalId,
    role: target.role,
    ...(target.machine ? { machineId: target.machine.id } : {}),
    ...(target.machine?.metadata['role'] ? { roleMetadata: target.machine.metadata['role'] } : {}),
    units: target.units,
    groupInstanceIds: members.map((i) => i.id),
    ...(etcd ? { etcd } : {}),
    plannedAt: Date.now(),
  };
}
