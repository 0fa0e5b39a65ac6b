import { RefusedError } from '../../errors.js';
import type { MembersView, MemberView } from '../../ports/members.js';
import type { Machine } from '../../ports/scheduler.js';

/** The fleet metadata key naming a main node's etcd member, where etcd listens on another address than the machine's own. */
export const ETCD_MEMBER_METADATA = 'etcd-member';

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};

/**
 * The etcd member a main node runs: the one whose peer URL is at the machine's IP, else the one
 * its fleet metadata names (`etcd-member=<name>`). Undefined when neither finds one. Pure.
 */
export function memberOf(view: MembersView, ips: string[], machine: Machine | undefined): MemberView | undefined {
  const byIp = view.members.find((m) => m.peerUrls.some((u) => ips.includes(hostOf(u))));
  if (byIp) return byIp;
  const named = machine?.metadata[ETCD_MEMBER_METADATA];
  return named ? view.members.find((m) => m.name === named) : undefined;
}

/**
 * Whether the member listens on a fixed address the machine holds on an extra interface (the
 * stack's EtcdAddress interfaces), rather than on the machine's own address: the node launched in
 * its place attaches the same interface, so the member keeps its peer URL. Pure.
 */
export function onFixedAddress(member: MemberView, ownIps: string[], interfaceIps: string[]): boolean {
  const host = hostOf(member.peerUrls[0] ?? '');
  return interfaceIps.includes(host) && !ownIps.includes(host);
}

/**
 * Refuses replacing the main node that runs `member` when etcd would be left without a majority
 * while the machine is away: no quorum now, another membership change (another main node's
 * replacement) in flight, or too few of the other voters answering. Pure.
 */
export function checkEtcdMajority(view: MembersView, quorum: { hasQuorum: boolean; reason: string }, member: MemberView, machineName: string): void {
  if (!quorum.hasQuorum) {
    throw new RefusedError(`etcd has no quorum now (${quorum.reason}): replacing the main node ${machineName} would take away another member. Bring the members back first, or follow \`/dev etcd recover\`.`);
  }
  const pending = view.members.filter((m) => m.isLearner || !m.name);
  if (pending.length) {
    const what = pending.map((m) => `${m.isLearner ? 'learner' : 'member'} ${m.name || m.id} (${m.peerUrls.join(', ')})`).join(', ');
    throw new RefusedError(`Another main node is being replaced: etcd has a membership change in flight (${what}). Replacing ${machineName} too would risk etcd's majority: let that one finish (\`/dev etcd members\`), then try again.`);
  }
  const voters = view.members.filter((m) => !m.isLearner);
  const others = voters.filter((m) => m.id !== member.id);
  const up = others.filter((m) => m.reachable);
  const majority = Math.floor(voters.length / 2) + 1;
  if (up.length < majority) {
    const down = others.filter((m) => !m.reachable).map((m) => m.name || m.id);
    throw new RefusedError(
      `Replacing the main node ${machineName} (etcd member ${member.name}) would leave etcd without a majority: ${up.length} of ${voters.length} voters would answer, and a majority is ${majority}` +
        ` (already down: ${down.join(', ') || 'none'}). Bring ${down.join(', ') || 'the other members'} back first (\`/dev etcd members\`).`,
    );
  }
}
