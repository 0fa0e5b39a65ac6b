import { isLeaderless } from '../etcd-conditions.js';
import type { AlertRule } from '../rule.js';

/** A majority answers but no leader serves (see isLeaderless); 2 s of it before alerting, as an election takes about 1 s. */
export const etcdNoLeader: AlertRule = {
  name: 'etcd-no-leader',
  severity: 'critical',
  forMs: 2000,
  kind: 'condition',
  appliesTo: () => true,
  evaluate(s) {
    if (!isLeaderless(s)) return [];
    const up = s.etcd.members.filter((m) => m.reachable);
    const named = (id: string) => s.etcd.members.find((m) => m.id === id)?.name ?? id;
    const none = up.every((m) => m.leaderId === '');
    return [{
      subject: 'cluster',
      summary: none
        ? `etcd in ${s.environment} has no leader: ${up.length} member(s) answer, none leads`
        : `etcd in ${s.environment} has no leader: ${up.length} member(s) answer, no leader serves reads (${s.etcd.quorumReason})`,
      details: up.map((m) => `${m.name}: term ${m.raftTerm}, ${m.leaderId ? `believes ${named(m.leaderId)} leads` : 'no leader'}`),
      advice: 'Check connectivity between members (peer port 2380) and that a majority is running.',
    }];
  },
};
