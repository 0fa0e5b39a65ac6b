import type { Members, MembersView, MemberView } from '../../ports/members.js';
import { inWords, pollUntil, type PollOptions } from './poll-until.js';

/** The old main node's member, as the plan saw it. */
export interface OldMember {
  id: string;
  member: string;
}

/**
 * The member the new main node added by itself, if it did: the stack's boot script (etcd-join.sh)
 * removes its predecessor's member and adds itself as a learner, the way crewjam/etcd-aws does. Once
 * the old member is gone and one with the new peer URL (or the old name) is there, devbot must not
 * make a second membership change. Undefined while the old member is still listed. Pure.
 */
export function selfJoinedMember(view: MembersView, old: OldMember, peerUrl: string): MemberView | undefined {
  if (view.members.some((m) => m.id === old.id)) return undefined;
  return view.members.find((m) => m.peerUrls.includes(peerUrl) || m.name === old.member);
}

/**
 * Waits until the member the node added by itself is a voter that answers (its boot script promotes
 * it once it has caught up). Resolves with the member.
 */
export async function awaitSelfJoined(members: Members, joined: MemberView, o: Omit<PollOptions, 'timedOut'>): Promise<MemberView> {
  return pollUntil<MemberView>(async () => {
    const now = (await members.inspect()).members.find((m) => m.id === joined.id);
    if (!now) return { waiting: `the member ${joined.id} the new node added is gone again` };
    if (now.isLearner) return { waiting: `${now.name || now.id} joined as a learner; its boot script promotes it once it has caught up` };
    return now.reachable ? { done: now } : { waiting: `${now.name} is a voter but does not answer yet` };
  }, {
    ...o,
    timedOut: (last) => `The new main node joined etcd by itself as ${joined.id}, but it is not a healthy voter after ${inWords(o.timeoutMs)} (${last}). Check etcd-join on the new node (\`journalctl -u etcd-join\`) and \`/dev etcd members\`.`,
  });
}
