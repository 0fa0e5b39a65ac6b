import type { AlertRule } from '../rule.js';

/** Leadership moved: worth knowing (frequent changes mean an unhealthy cluster), nothing to resolve. */
export const etcdLeaderChanged: AlertRule = {
  name: 'etcd-leader-changed',
  severity: 'info',
  forMs: 0,
  kind: 'event',
  appliesTo: () => true,
  evaluate(now, previous) {
    const before = previous?.etcd.leader;
    const after = now.etcd.leader;
    if (!before || !after || before === after) return [];
    return [{
      subject: `${before}->${after}`,
      summary: `etcd leader in ${now.environment} changed: ${before} → ${after}`,
      details: [`raft term ${Math.max(...now.etcd.members.map((m) => m.raftTerm))}`],
      advice: 'Nothing to do for one change; frequent changes point at slow disks or a flaky network.',
    }];
  },
};
