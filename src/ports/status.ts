import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { BackupAttempts } from './backup-attempts.js';
import type { Backups } from './backups.js';
import type { Cluster } from './cluster.js';
import type { Elections } from './elections.js';
import type { Groups } from './groups.js';
import type { JobQueue } from './queue.js';
import type { RemediationStore } from './remediation-store.js';
import type { Scheduler } from './scheduler.js';
import type { Stacks } from './stacks.js';

/** One line in a status section: a label, a value, and how alarming it is. */
export interface StatusLine {
  label: string;
  value: string;
  level: 'ok' | 'warn' | 'critical' | 'info';
}

/** One part of the `/dev status` report (etcd, queue, and later stack, groups, units, databases). */
export interface StatusSection {
  title: string;
  /** Worst level among the lines, shown in the heading. */
  level: StatusLine['level'];
  /** One-sentence summary shown under the title. */
  summary: string;
  lines: StatusLine[];
}

/** What a part may use. Each part reads only what it needs. */
export interface StatusContext {
  environment: string;
  config: Config;
  cluster: Cluster;
  elections: Elections;
  queue: JobQueue;
  /** The environment's fleet; absent when fleet is not configured there. */
  scheduler?: Scheduler;
  /** The environment's stack and autoscaling groups; absent when AWS is not configured there. */
  stacks?: Stacks;
  groups?: Groups;
  /** Where the environment's etcd backups are, and how recent attempts went; absent when etcd.backup is not configured. */
  backups?: Backups;
  backupAttempts?: BackupAttempts;
  /** Auto-remediation's state: paused or not, what is in progress. */
  remediation?: RemediationStore;
  /** The clock ages are measured with (default: the system clock). */
  now?: () => Date;
  /** Aborted when the report's overall deadline passes. */
  signal: AbortSignal;
  /** Where a part logs the raw detail of what it shows in plain words. */
  log?: Logger;
}

export interface StatusPart {
  name: string;
  /** Collects this part's section. May throw; the report shows the failure without hiding other parts. */
  collect(ctx: StatusContext): Promise<StatusSection>;
}
