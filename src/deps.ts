import type { UsergroupMembership } from './acl/usergroup-membership.js';
import type { Config } from './config/schema.js';
import type { JobKind } from './jobs/job-kind.js';
import type { Logger } from './log.js';
import type { AlertStore } from './ports/alert-store.js';
import type { AuditLog } from './ports/audit.js';
import type { BackupAttempts } from './ports/backup-attempts.js';
import type { Backups } from './ports/backups.js';
import type { ConsoleListeners } from './ports/console-listeners.js';
import type { Confirmations } from './ports/confirmations.js';
import type { Deployments } from './ports/deployments.js';
import type { Elections } from './ports/elections.js';
import type { EtcdSnapshots } from './ports/etcd-snapshots.js';
import type { EventClaims } from './ports/event-claims.js';
import type { Groups } from './ports/groups.js';
import type { HomeViewers } from './ports/home-viewers.js';
import type { Instances } from './ports/instances.js';
import type { Members } from './ports/members.js';
import type { Stacks } from './ports/stacks.js';
import type { JobMessages } from './ports/job-messages.js';
import type { JobStateStore } from './ports/job-state.js';
import type { Locks } from './ports/locks.js';
import type { Metrics } from './ports/metrics.js';
import type { SlackBusy } from './ports/slack-busy.js';
import type { Chat } from './ports/chat.js';
import type { Cluster } from './ports/cluster.js';
import type { JobQueue, Transport } from './ports/queue.js';
import type { Remote } from './ports/remote.js';
import type { RemediationStore } from './ports/remediation-store.js';
import type { Scheduler } from './ports/scheduler.js';
import type { SnapshotTools } from './ports/snapshot-tools.js';

/**
 * Everything a command, job or renderer may use, built once in main.ts (or by a test) and passed
 * down. No module-level singletons: a dependency that is not here is not available.
 */
export interface Deps {
  config: Config;
  log: Logger;
  queue: JobQueue;
  /** The etcd cluster of an environment (one Cluster per environment, created lazily). */
  clusterFor(environment: string): Cluster;
  /** Database leader elections in an environment's etcd. */
  electionsFor(environment: string): Elections;
  /** An environment's fleet. Throws ConfigError when fleet is not configured there. */
  schedulerFor(environment: string): Scheduler;
  /** The deployment history in an environment's etcd (under fleet.historyPrefix). */
  deploymentsFor(environment: string): Deployments;
  /** The environment's CloudFormation stack (AWS, created lazily). Throws ConfigError when the environment has no `aws` section. */
  stacksFor(environment: string): Stacks;
  /** The autoscaling groups of the environment's stack. Throws like stacksFor. */
  groupsFor(environment: string): Groups;
  /** The EC2 machines of the environment's stack (a replacement's new machine). Throws like stacksFor. */
  instancesFor(environment: string): Instances;
  /** The etcd membership of an environment: members with their status; add, remove, promote. */
  membersFor(environment: string): Members;
  /** Where the environment's etcd snapshots are kept (etcd.backup.destination). Throws ConfigError, saying how to configure it, when etcd.backup is not set. */
  backupsFor(environment: string): Backups;
  /** Snapshots streamed from the environment's etcd, and reads at a past revision. */
  etcdSnapshotsFor(environment: string): EtcdSnapshots;
  /** etcdctl / etcd on this process's host: inspect a snapshot file, restore it into a throwaway etcd. */
  snapshotTools: SnapshotTools;
  /** How recent snapshot and drill attempts went, per environment. */
  backupAttempts: BackupAttempts;
  /** Where a job's messages go, by the transport its command came from. */
  chatFor(transport: Transport): Chat;
  now(): Date;
  locks: Locks;
  audit: AuditLog;
  jobState: JobStateStore;
  confirmations: Confirmations;
  /** The job kinds this process can queue and run, by name. A verb whose kind is absent is "not available yet". */
  jobKinds: Record<string, JobKind<never>>;
  metrics: Metrics;
  alertStore: AlertStore;
  /** Console sessions listening to a channel's alerts. */
  consoleListeners: ConsoleListeners;
  /** One-time claims on Slack events (mentions, DMs), so a redelivered event runs once. */
  eventClaims: EventClaims;
  /** Auto-remediation's shared state (slot per environment, pauses, followed jobs). Absent only in deps a test builds without it. */
  remediation?: RemediationStore;
  /** Which job a progress message belongs to (for `@devbot retry` / `rollback` in its thread). */
  jobMessages: JobMessages;
  /** SSH to an environment's machines (`/dev logs`, `/dev exec`). Absent in processes (and tests) that never reach a machine; throws ConfigError when the environment has no `remote` section or its key is not set. */
  remoteFor?(environment: string): Remote;
  /** Slack user group membership for the ACL (cached in Redis, read via usergroups.users.list). Absent: groups count as unreadable. */
  usergroups?: UsergroupMembership;
  /** Who opened devbot's Home tab lately, so alert changes refresh theirs. Absent: no refreshes. */
  homeViewers?: HomeViewers;
  /** How busy Slack's rate budget is, as `devbot serve` last saw it (for the ack). Absent: acks never say. */
  slackBusy?: SlackBusy;
}
