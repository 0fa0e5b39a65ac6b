import type { AlertRule } from '../rule.js';
import { catalogDrift } from './catalog-drift.rule.js';
import { databaseFewCandidates } from './database-few-candidates.rule.js';
import { databaseNoLeader } from './database-no-leader.rule.js';
import { etcdAlarm } from './etcd-alarm.rule.js';
import { etcdBackupStale } from './etcd-backup-stale.rule.js';
import { etcdDbSize } from './etcd-db-size.rule.js';
import { etcdLeaderChanged } from './etcd-leader-changed.rule.js';
import { etcdMemberUnreachable } from './etcd-member-unreachable.rule.js';
import { etcdNoLeader } from './etcd-no-leader.rule.js';
import { etcdQuorumLost } from './etcd-quorum-lost.rule.js';
import { groupBelowDesired } from './group-below-desired.rule.js';
import { groupInstancesChanged } from './group-instances-changed.rule.js';
import { machineGone } from './machine-gone.rule.js';
import { unitNotRunning } from './unit-not-running.rule.js';

/** Every alert rule. A new rule is one `<name>.rule.ts` and one line here. */
export const ALERT_RULES: AlertRule[] = [
  etcdQuorumLost,
  etcdNoLeader,
  etcdMemberUnreachable,
  etcdLeaderChanged,
  etcdAlarm,
  etcdDbSize,
  etcdBackupStale,
  databaseNoLeader,
  databaseFewCandidates,
  unitNotRunning,
  machineGone,
  groupBelowDesired,
  groupInstancesChanged,
  catalogDrift,
];
