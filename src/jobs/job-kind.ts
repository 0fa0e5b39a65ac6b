import type { z } from 'zod';
import type { Deps } from '../deps.js';
import type { Logger } from '../log.js';
import type { Chat, ChatMessage } from '../ports/chat.js';
import type { JobData } from '../ports/queue.js';
import type { Progress } from './progress-reporter.js';

/** What a job's processor gets besides its payload. */
export interface JobContext {
  jobId: string;
  data: JobData;
  deps: Deps;
  /** Chat for this job's transport (Slack, or the console session that asked). */
  chat: Chat;
  log: Logger;
  /** Aborted when the job is cancelled or the worker shuts down: stop at the next safe point. */
  signal: AbortSignal;
  /** The job's one live message. Steps run through it are skipped when a resumed job re-runs. */
  progress: Progress;
  /** This run's hold on the job's lock; see RunFence. */
  fence: RunFence;
}

/**
 * A run's claim on its job's lock (README, "Crash safety"). A run that lost it (the lock expired or
 * another job took it; or the job was resumed by another worker while this one was frozen) must
 * change nothing more.
 */
export interface RunFence {
  /** The lock target, when the job has a lock. */
  target?: string;
  /** This run's fencing token (it grows with every run that takes the lock over), when the job has a lock. */
  token?: number;
  /**
   * Resolves while this run still holds the lock (at once for a job without one); else throws
   * FencedError, and the run stops. Call it right before every call that changes the cluster; a
   * store that can compare the token itself (etcd) should be given `token` instead.
   */
  check(): Promise<void>;
}

/** One kind of job: its payload schema and its processor. One file per kind: `<kind>.job.ts`. */
export interface JobKind<P = unknown> {
  kind: string;
  payloadSchema: z.ZodType<P>;
  /** Title of the job's message, e.g. "Failover of postgres (prod)". Defaults to the command text. */
  title?(payload: P): string;
  /** Internal jobs (e.g. expiring a confirmation) post no progress message and are not listed. */
  internal?: boolean;
  /** Kinds that only read (a status report): running one twice changes nothing, so a re-run is allowed. */
  readsOnly?: boolean;
  /** For commands that need confirmation: what will happen, shown above Confirm / Cancel. */
  preview?(payload: P, ctx: Omit<JobContext, 'progress' | 'fence'>): Promise<ChatMessage>;
  /**
   * Does the work. Ends with `ctx.progress.finish(...)` to give a result of its own; otherwise the
   * runner marks it succeeded. Throws BotError for failures the user should read.
   */
  run(payload: P, ctx: JobContext): Promise<void>;
}
