import type { Snapshot } from './rule.js';

/** A majority of members answer, yet none reports a leader: an election that does not end. */
export function isLeaderless(s: Snapshot): boolean {
  const up = s.etcd.members.filter((m) => m.reachable);
  return up.length >= Math.floor(s.etcd.members.length / 2) + 1 && up.every((m) => m.leaderId === '');
}
