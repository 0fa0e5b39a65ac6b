import type { Snapshot } from './rule.js';

/**
 * A majority of members answers, yet no leader serves the cluster: none reports one (an election
 * that does not end), or the one they report confirms no read (the second after a leader died,
 * before the others elect a new one). Quorum is there to be had, so this is "no leader", which
 * waits its forMs, not "quorum lost", which fires at once.
 */
export function isLeaderless(s: Snapshot): boolean {
  const up = s.etcd.members.filter((m) => m.reachable);
  return up.length >= Math.floor(s.etcd.members.length / 2) + 1 && !s.etcd.hasQuorum;
}
