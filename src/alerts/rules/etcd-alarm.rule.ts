import type { AlertRule } from '../rule.js';

/** NOSPACE makes etcd read-only; CORRUPT means a member's data diverged. */
export const etcdAlarm: AlertRule = {
  name: 'etcd-alarm',
  severity: 'critical',
  forMs: 0,
  kind: 'condition',
  appliesTo: () => true,
  evaluate(s) {
    const alarms = [...new Set(s.etcd.members.flatMap((m) => m.alarms))];
    return alarms.map((alarm) => ({
      subject: alarm,
      summary: `etcd alarm ${alarm} in ${s.environment}`,
      details: s.etcd.members.filter((m) => m.alarms.includes(alarm)).map((m) => `${m.name} (${m.clientUrl})`),
      advice: alarm === 'NOSPACE'
        ? 'etcd is read-only: compact and defragment (`etcdctl compact`, `etcdctl defrag`), then `etcdctl alarm disarm`.'
        : 'Stop the member whose data diverged, remove it and add it back with a fresh data directory.',
    }));
  },
};
