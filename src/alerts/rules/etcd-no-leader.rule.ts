import { isLeaderless } from '../etcd-conditions.js';
import type { AlertRule } from '../rule.js';

/** A majority answers but none leads (an election that does not end). */
export const etcdNoLeader: AlertRule = {
  name: 'etcd-no-leader',
  severity: 'critical',
  forMs: 2000,
  kind: 'condition',
  appliesTo: () => true,
  evaluate(s) {
    if (!isLeaderless(s)) return [];
    const up = s.etcd.members.filter((m) => m.reachable);
    return [{
      subject: 'cluster',
      summary: `etcd in ${s.environment} has no leader: ${up.length} member(s) answer, none leads`,
      details: up.map((m) => `${m.name}: term ${m.raftTerm}, no leader`),
      advice: 'Check connectivity between members (peer port 2380) and that a majority is running.',
    }];
  },
};
