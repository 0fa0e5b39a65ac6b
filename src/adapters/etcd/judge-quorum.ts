/** What the quorum judgement needs to know about one member. */
export interface QuorumInput {
  name: string;
  /** Member id in hex, '' when unknown. */
  id: string;
  reachable: boolean;
  /** Leader id (hex) this member believes in, '' for none. */
  leaderId: string;
  /** A linearizable read through this member answered within the probe deadline. */
  readOk: boolean;
}

export interface QuorumVerdict {
  hasQuorum: boolean;
  quorumReason: string;
  /** Name (or hex id when the member is unknown) of the leader a majority agrees on. */
  leader?: string;
}

/**
 * Quorum is present when a linearizable read answered (only a quorum can serve one) and a majority
 * of the cluster reports the same non-zero leader. `clusterSize` is the member count etcd itself
 * reports, when larger than the number of probed endpoints. Pure.
 */
export function judgeQuorum(members: readonly QuorumInput[], clusterSize = 0): QuorumVerdict {
  const size = Math.max(clusterSize, members.length);
  const majority = Math.floor(size / 2) + 1;
  const down = members.filter((m) => !m.reachable).map((m) => m.name);
  const downNote = down.length ? `; unreachable: ${down.join(', ')}` : '';
  if (down.length === members.length) {
    return { hasQuorum: false, quorumReason: `no member answered (0 of ${size} reachable)` };
  }

  const votes = new Map<string, number>();
  for (const m of members) if (m.reachable && m.leaderId) votes.set(m.leaderId, (votes.get(m.leaderId) ?? 0) + 1);
  const [leaderId, count] = [...votes].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const leaderName = members.find((m) => m.id === leaderId)?.name ?? leaderId;
  const readOk = members.some((m) => m.readOk);

  if (count < majority) {
    const agreement = count ? `only ${count} of ${size} members agree ${leaderName} leads` : 'no member reports a leader';
    return { hasQuorum: false, quorumReason: `${agreement}, ${majority} needed${downNote}` };
  }
  const agreement = `${count} of ${size} members agree ${leaderName} leads`;
  if (!readOk) {
    return { hasQuorum: false, leader: leaderName, quorumReason: `${agreement} but no linearizable read answered in time${downNote}` };
  }
  return { hasQuorum: true, leader: leaderName, quorumReason: `${agreement} and a linearizable read answered${downNote}` };
}
