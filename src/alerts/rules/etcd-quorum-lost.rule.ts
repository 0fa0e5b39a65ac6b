import { isLeaderless } from '../etcd-conditions.js';
import type { AlertRule } from '../rule.js';

const down = (s: Parameters<AlertRule['evaluate']>[0]) => s.etcd.members.filter((m) => !m.reachable);

/**
 * The worst case: without quorum etcd accepts no writes, fleet stalls, no leader can be elected.
 * It fires at once, so only when a majority does not answer: a majority answering without a
 * working leader is etcd-no-leader's (the moments after a leader dies look like that, and a
 * restart of 1 of 3 members must not page anyone as "quorum lost"), so one incident is one alert.
 */
export const etcdQuorumLost: AlertRule = {
  name: 'etcd-quorum-lost',
  severity: 'critical',
  forMs: 0,
  kind: 'condition',
  appliesTo: () => true,
  evaluate(s) {
    if (s.etcd.hasQuorum || isLeaderless(s)) return [];
    const missing = down(s);
    return [{
      subject: 'cluster',
      summary: `etcd in ${s.environment} has lost quorum: ${s.etcd.quorumReason}`,
      details: [
        ...missing.map((m) => `${m.name} (${m.clientUrl}) unreachable${m.errors[0] ? `: ${m.errors[0]}` : ''}`),
        ...s.etcd.members.filter((m) => m.reachable).map((m) => `${m.name} answers, term ${m.raftTerm}`),
      ],
      advice: missing.length
        ? `Bring back ${missing.map((m) => m.name).join(', ')} (check the machines and \`systemctl status etcd\`); with a majority back the cluster recovers by itself. Do not replace members while quorum is lost.`
        : 'Members answer but no majority agrees on a leader: check the network between the main nodes and their clocks.',
      // If they do not come back: the plan for both ways back, computed from what answers then.
      command: { label: 'Recovery plan', text: `etcd recover --env ${s.environment}` },
    }];
  },
};
