import { stackNameOf } from '../../../config/aws-schema.js';
import type { EnvironmentConfig } from '../../../config/schema.js';
import { RefusedError, UsageError } from '../../../errors.js';
import type { GroupInstance, Instances } from '../../../ports/instances.js';
import type { EtcdMember } from '../../../ports/members.js';
import { mainMembers } from '../../../stack/main-members.js';
import { GROUP_LOGICAL_IDS } from '../../../stack/node-groups.js';
import type { ReplaceTarget } from './check-replace.js';

export interface PeerUrlChoice {
  peerUrl: string;
  /** How it was found, for the plan: "given with --peer-url", "i-0abc…, launched … in eu-west-1b". */
  source: string;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};

/**
 * The machine that takes the old member's place: the newest InService instance of the main group
 * in the old member's zone that is not a member already. Pure.
 */
export function pickReplacement(instances: GroupInstance[], zone: string, members: EtcdMember[]): GroupInstance | undefined {
  const taken = new Set(members.flatMap((m) => m.peerUrls.map(hostOf)));
  return instances
    .filter((i) => i.zone === zone && i.lifecycleState === 'InService' && i.privateIp && !taken.has(i.privateIp))
    .sort((a, b) => b.launchedAt.getTime() - a.launchedAt.getTime())[0];
}

/**
 * The new member's peer URL: `--peer-url` when given, else from AWS (same scheme and port as the
 * old member's). Refuses, saying what to give instead, when it cannot be found.
 */
export async function findPeerUrl(input: {
  environment: string;
  env: EnvironmentConfig;
  target: ReplaceTarget;
  members: EtcdMember[];
  given?: string;
  instances: () => Instances;
  signal?: AbortSignal;
}): Promise<PeerUrlChoice> {
  const { environment, env, target, given } = input;
  if (given) return { peerUrl: given, source: 'given with --peer-url' };
  const example = `\`/dev etcd replace ${target.name} --peer-url http://<new machine's IP>:2380 --env ${environment}\``;
  if (!env.aws) throw new UsageError(`AWS is not configured for ${environment}, so devbot cannot look up the machine that takes ${target.name}'s place: give its peer URL, e.g. ${example}.`);
  if (!target.old) throw new UsageError(`${target.name} is no longer a member, so devbot does not know its zone: give the new machine's peer URL, e.g. ${example}.`);
  const old = new URL(target.old.peerUrl);
  // The stack's members live at fixed addresses (an interface each, EtcdAddress<N>) that the main
  // node launched in the old one's place attaches at boot: the new member keeps the old peer URL.
  const fixed = mainMembers({ size: env.aws.groups.main.size, network: env.aws.network, initialCluster: env.aws.etcd.initialCluster }).find((m) => m.address === old.hostname);
  if (fixed) return { peerUrl: target.old.peerUrl, source: `${fixed.name}'s fixed address ${fixed.address}, which the main node that replaces it attaches (its own interface in the stack)` };
  const stackName = stackNameOf(environment, env.aws);
  const zone = await input.instances().zoneOf(stackName, old.hostname, { signal: input.signal });
  if (!zone) throw new RefusedError(`EC2 knows no machine with IP ${old.hostname} (${target.name}'s) and no subnet of ${stackName} holds it: give the new machine's peer URL, e.g. ${example}.`);
  const group = await input.instances().groupInstances(stackName, GROUP_LOGICAL_IDS.main, { signal: input.signal });
  const chosen = pickReplacement(group, zone, input.members);
  if (!chosen) {
    const there = group.filter((i) => i.zone === zone).map((i) => `${i.id} ${i.lifecycleState}${i.privateIp ? ` ${i.privateIp}` : ''}`);
    throw new RefusedError(
      `No InService machine of ${GROUP_LOGICAL_IDS.main} in ${zone} is free to take ${target.name}'s place (there: ${there.join(', ') || 'none'}). Wait for the group to launch the replacement (\`/dev status\`), or give ${example}.`,
    );
  }
  return { peerUrl: `${old.protocol}//${chosen.privateIp}:${old.port || '2380'}`, source: `${chosen.id} (${chosen.privateIp}), launched ${chosen.launchedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${zone}` };
}
