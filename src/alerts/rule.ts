import type { AlertSeverity } from '../config/alerts-schema.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { BackupAttempt } from '../ports/backup-attempts.js';
import type { ClusterHealth } from '../ports/cluster.js';
import type { ElectionView } from '../ports/elections.js';
import type { GroupView } from '../ports/groups.js';
import type { Machine, ScheduledUnit, UnitState } from '../ports/scheduler.js';
import type { CatalogUnits } from '../units/catalog-drift.js';

/** Everything the rules look at for one environment, probed once per evaluation. */
export interface Snapshot {
  environment: string;
  config: EnvironmentConfig;
  at: Date;
  etcd: ClusterHealth;
  /** Per configured database: its election, or why it could not be read. */
  databases: Record<string, { view?: ElectionView; error?: string }>;
  /** fleet's units, their states and its machines, when fleet is configured (and answered). */
  fleet?: { units: ScheduledUnit[]; states: UnitState[]; machines: Machine[] };
  /** The service catalog's units as deploy renders them, when fleet is configured (or why the catalog could not be read). */
  catalog?: CatalogUnits | { error: string };
  /** The stack's autoscaling groups, when AWS is configured (and answered). */
  groups?: GroupView[];
  /**
   * The environment's etcd backups, when etcd.backup is configured: the newest one (or why they
   * could not be listed) and the recent snapshot and drill attempts, newest first.
   */
  backups?: { newest?: { name: string; takenAt: string; location: string }; listError?: string; attempts: BackupAttempt[] };
  /**
   * Machines seen recently (id → when last seen), carried from one evaluation to the next, so a
   * machine that left fleet's list is noticed however long it stays gone.
   */
  knownMachines?: Record<string, { lastSeen: string; ip: string; metadata: Record<string, string> }>;
}

/** A condition a rule sees now. The same (rule, subject) seen again is the same alert. */
export interface Finding {
  /** What it is about: a member, a database, 'cluster'. Part of the alert's key. */
  subject: string;
  /** One line: what happened. */
  summary: string;
  /** Which members or units, and what the rule saw. */
  details: string[];
  /** What to do. */
  advice: string;
  /** A `/dev` command that helps (shown as a button on the alert), e.g. the recovery plan. */
  command?: AlertCommand;
}

/** A button on an alert that runs a `/dev` command, through the same ACL path as typing it. */
export interface AlertCommand {
  label: string;
  /** The command text without `/dev`, with `--env` so it runs for the alert's environment. */
  text: string;
}

export interface AlertRule {
  name: string;
  severity: AlertSeverity;
  /** Default hysteresis: how long a finding must hold before it fires. */
  forMs: number;
  /**
   * Events (e.g. "leader changed") fire once and never resolve; conditions (quorum lost) fire and
   * later resolve in place.
   */
  kind: 'condition' | 'event';
  /** Whether the rule applies to this environment at all (a part not configured is off). */
  appliesTo(config: EnvironmentConfig): boolean;
  /** Pure: the findings in this snapshot. `previous` is the last snapshot (for events). */
  evaluate(now: Snapshot, previous?: Snapshot): Finding[];
}
