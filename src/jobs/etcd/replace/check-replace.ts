import { RefusedError, UsageError } from '../../../errors.js';
import type { MembersView, MemberView } from '../../../ports/members.js';

/** The member a replacement removes: what it was, as the plan and the final report name it. */
export interface ReplacedMember {
  id: string;
  name: string;
  peerUrl: string;
  reachable: boolean;
}

export interface ReplaceTarget {
  /** Absent when the named member is gone already (an earlier replace removed it): only the add is left. */
  old?: ReplacedMember;
  /** The name the new member should start with (the old one's). */
  name: string;
}

export interface ReplaceCheckInput {
  view: MembersView;
  quorum: { hasQuorum: boolean; reason: string };
  /** A member name or hex id, as typed. */
  member: string;
  force: boolean;
  /** How many voters the cluster should have (the configured endpoints). */
  expectedVoters: number;
  maxLagEntries: number;
}

const label = (m: MemberView) => m.name || `(never started) ${m.id}`;
const isVoter = (m: MemberView) => !m.isLearner;

/** How far behind the leader a member is, in raft entries; undefined when either did not answer. */
export function lagOf(view: MembersView, m: MemberView): number | undefined {
  const leader = view.members.find((x) => x.id === view.leaderId);
  if (!leader?.reachable || !m.reachable) return undefined;
  return Math.max(0, leader.raftIndex - m.raftIndex);
}

/** A member is healthy when it answers, follows the leader the others follow, and is not far behind it. */
export function isHealthy(view: MembersView, m: MemberView, maxLagEntries: number): boolean {
  const lag = lagOf(view, m);
  return m.reachable && view.leaderId !== '' && m.leaderId === view.leaderId && lag !== undefined && lag <= maxLagEntries;
}

/** A membership change someone started and did not finish: a learner, or a member added that never started. */
function inFlight(view: MembersView): string | undefined {
  const pending = view.members.filter((m) => m.isLearner || !m.name);
  if (!pending.length) return undefined;
  const what = pending.map((m) => `${m.isLearner ? 'learner' : 'member'} ${label(m)} (${m.peerUrls.join(', ')})${m.name ? '' : ', added but never started'}`);
  const undo = pending.map((m) => `\`etcdctl member ${m.isLearner && m.name ? 'promote' : 'remove'} ${m.id}\``);
  return `Another membership change is in flight: ${what.join('; ')}. etcd allows one at a time: finish or undo it first (${undo.join(' or ')}), then run this again.`;
}

/**
 * Decides whether a replacement may start, and of which member, or refuses with the reason and
 * what to do. Pure: the preview and the job judge the same state the same way.
 */
export function checkReplace(input: ReplaceCheckInput): ReplaceTarget {
  const { view, quorum, member, force } = input;
  if (!quorum.hasQuorum) {
    throw new RefusedError(`etcd has no quorum (${quorum.reason}). A membership change needs quorum: bring members back, or follow \`/dev etcd recover\`.`);
  }
  const busy = inFlight(view);
  if (busy) throw new RefusedError(busy);
  const target = view.members.find((m) => m.name === member || m.id === member.toLowerCase());
  const voters = view.members.filter(isVoter);
  if (!target) {
    if (voters.length < input.expectedVoters) return { name: member };
    throw new UsageError(`No etcd member is called ${member}: members are ${view.members.map((m) => `${label(m)} (${m.id})`).join(', ')}.`);
  }
  if (isHealthy(view, target, input.maxLagEntries) && !force) {
    const lag = lagOf(view, target) ?? 0;
    throw new RefusedError(`${target.name} is healthy (it answers, follows the leader, ${lag} entries behind): replacing it is refused without --force.`);
  }
  const remaining = voters.filter((m) => m !== target);
  const reachable = remaining.filter((m) => m.reachable);
  const majority = Math.floor(remaining.length / 2) + 1;
  if (reachable.length < majority) {
    const down = remaining.filter((m) => !m.reachable).map(label);
    throw new RefusedError(
      `Removing ${target.name} would leave ${reachable.length} of ${remaining.length} voters reachable, fewer than the ${majority} a majority needs (down: ${down.join(', ')}). Bring ${down.join(', ')} back first.`,
    );
  }
  return { old: { id: target.id, name: target.name, peerUrl: target.peerUrls[0] ?? '', reachable: target.reachable }, name: target.name };
}

/** Refuses a peer URL another member uses (the old member's own is fine: it goes first). */
export function checkPeerUrl(view: MembersView, target: ReplaceTarget, peerUrl: string): void {
  const norm = (u: string) => u.replace(/\/+$/, '').toLowerCase();
  const other = view.members.find((m) => m.id !== target.old?.id && m.peerUrls.some((u) => norm(u) === norm(peerUrl)));
  if (other) throw new RefusedError(`${peerUrl} is already the peer URL of ${label(other)} (${other.id}): give the new machine's own.`);
}
