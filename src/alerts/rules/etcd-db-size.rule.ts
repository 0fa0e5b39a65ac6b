import type { AlertRule } from '../rule.js';

const THRESHOLD = 0.8;

/** Past its quota etcd raises NOSPACE and stops taking writes: warn well before. */
export const etcdDbSize: AlertRule = {
  name: 'etcd-db-size',
  severity: 'warning',
  forMs: 0,
  kind: 'condition',
  appliesTo: () => true,
  evaluate(s) {
    const quota = s.config.etcd.quotaBytes;
    return s.etcd.members
      .filter((m) => m.reachable && m.dbSizeBytes >= THRESHOLD * quota)
      .map((m) => ({
        subject: m.name,
        summary: `etcd member ${m.name} in ${s.environment} uses ${Math.round((100 * m.dbSizeBytes) / quota)} % of its quota`,
        details: [`db ${(m.dbSizeBytes / 2 ** 20).toFixed(0)} MiB of ${(quota / 2 ** 20).toFixed(0)} MiB`],
        advice: 'Compact old revisions and defragment (`etcdctl compact`, `etcdctl defrag`) before it reaches the quota.',
      }));
  },
};
