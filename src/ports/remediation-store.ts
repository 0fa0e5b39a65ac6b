import type { MessageRef } from './chat.js';
import type { Transport } from './queue.js';

/** Where an alert's message is, so its thread can be told what happens. */
export interface AlertThread {
  transport: Transport;
  ref: MessageRef;
  /** The routed channel's name (a `channels:` key), where known. */
  name?: string;
}

/** One automatic action on one alert: announced, then (unless cancelled) run as a job. */
export interface RemediationAttempt {
  id: string;
  environment: string;
  /** The alert's key, rule and subject. */
  alertKey: string;
  rule: string;
  subject: string;
  action: string;
  label: string;
  /** The `/dev` command it runs (without `/dev`). */
  text: string;
  phase: 'announced' | 'running';
  announcedAt: string;
  /** When the grace period ends and the action runs, unless cancelled. */
  runAt: string;
  jobId?: string;
  threads: AlertThread[];
  /** The announcement messages (one per thread), updated once the attempt is settled. */
  announcements: AlertThread[];
}

/** A job someone started from an alert's button: its end is told in the alert's thread. */
export interface FollowedJob {
  jobId: string;
  /** The command, as the button ran it. */
  text: string;
  user: string;
  threads: AlertThread[];
  /** A dangerous command's job runs only once confirmed: until then its preview is followed. */
  awaitingConfirmation?: boolean;
  since: string;
}

export interface RemediationPause {
  by: string;
  at: string;
}

/**
 * What auto-remediation remembers between evaluations, shared by every worker (Redis). Every
 * method fails with UpstreamError('redis').
 */
export interface RemediationStore {
  /** Claims the environment's one automatic action slot for `attempt`; false when another attempt holds it. Atomic across processes. */
  claim(attempt: RemediationAttempt, ttlMs: number): Promise<boolean>;
  /** The attempt holding the environment's slot now, if any. */
  active(environment: string): Promise<RemediationAttempt | undefined>;
  /** Saves the attempt (it must hold the slot) and extends the slot by `ttlMs`. */
  update(attempt: RemediationAttempt, ttlMs: number): Promise<void>;
  /** Frees the slot if `attemptId` holds it. */
  release(environment: string, attemptId: string): Promise<void>;
  /**
   * Settles an attempt once, atomically: the first of 'run' (the grace ended) and 'cancel' (a
   * person clicked Cancel, or a guard stopped it) wins; returns the winner and who decided.
   */
  decide(attemptId: string, decision: 'run' | 'cancel', by: string): Promise<{ decision: 'run' | 'cancel'; by: string }>;
  /** Records that an automatic action started in the environment (for maxPerHour). */
  recordStart(environment: string, at: Date): Promise<void>;
  /** How many automatic actions started in the environment since `since`. */
  startsSince(environment: string, since: Date): Promise<number>;
  /** Failed attempts on an alert key, in a row. */
  failures(alertKey: string): Promise<number>;
  addFailure(alertKey: string): Promise<number>;
  clearFailures(alertKey: string): Promise<void>;
  /** True the first time `note` is told for an alert key (so a waiting guard says so once, not every tick). */
  noteOnce(alertKey: string, note: string, ttlMs: number): Promise<boolean>;
  /** Whether `note` was told for the alert key (and has not expired). */
  hasNote(alertKey: string, note: string): Promise<boolean>;
  /** When the last automatic attempt on the alert key ended (its `after` counts again from then). */
  endedAt(alertKey: string): Promise<string | undefined>;
  setEndedAt(alertKey: string, at: string): Promise<void>;
  /** Pauses an environment, or every one (`*`). */
  pause(scope: string, pause: RemediationPause): Promise<void>;
  resume(scope: string): Promise<boolean>;
  pauses(): Promise<Record<string, RemediationPause>>;
  follow(job: FollowedJob): Promise<void>;
  followed(): Promise<FollowedJob[]>;
  unfollow(jobId: string): Promise<void>;
}
