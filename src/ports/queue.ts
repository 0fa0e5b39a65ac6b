/** The job queue as commands and the status report see it (BullMQ underneath). */
import { UpstreamError } from '../errors.js';

/** Where a job's messages go: Slack, or a console session's output stream. */
export type Transport = { kind: 'slack' } | { kind: 'console'; session: string };

export interface JobData {
  /** The job kind, e.g. 'status'. One file per kind under src/jobs/. */
  kind: string;
  /** 'preview' builds the confirmation preview of a dangerous command; 'run' (default) does it. */
  phase?: 'preview' | 'run';
  /** In the preview phase: the id the job will run under once confirmed (also the lock owner). */
  runJobId?: string;
  /** What the job locks while it runs (e.g. 'database/postgres@prod'), if anything. */
  lockTarget?: string;
  /** The ACL target (service, database…), for `/dev jobs` and the audit trail. */
  target?: string;
  payload: Record<string, unknown>;
  /** `threadTs`: the thread the request came from (a mention's); the job's messages go there. */
  requestedBy: { user: string; channel: string; channelName: string; threadTs?: string; responseUrl?: string };
  environment: string;
  /** The command text as typed, for the audit trail and the progress message. */
  text: string;
  transport: Transport;
  requestedAt: string;
}

/**
 * The queue did not confirm an enqueue in time (no answer before the deadline, or the connection
 * dropped with the add sent): the job may have been queued, and may run. Asking again with the
 * same job id is safe: it never makes a second job.
 */
export class EnqueueUnconfirmedError extends UpstreamError {
  constructor(readonly jobId: string, cause?: unknown) {
    super(`Redis did not confirm in time that job ${jobId} was queued: it may have been queued anyway.`, { service: 'redis', cause });
  }
}

export interface EnqueueResult {
  id: string;
  /** True when a job with this id already existed (e.g. a Slack retry): nothing new was queued. */
  duplicate: boolean;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  workers: number;
}

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';

/** One job as `/dev jobs` lists it. */
export interface JobSummary {
  id: string;
  kind: string;
  target?: string;
  user: string;
  text: string;
  state: JobState;
  /** Epoch ms. */
  queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  failedReason?: string;
  data: JobData;
}

export interface JobQueue {
  /**
   * Adds a job under `jobId`; a second add with the same id is a no-op. Fails with
   * EnqueueUnconfirmedError when Redis did not confirm the add in time (it may still land), and
   * with UpstreamError('redis') when Redis refused it (nothing was queued).
   */
  enqueue(data: JobData, opts: { jobId: string; delayMs?: number }): Promise<EnqueueResult>;
  /** Counts per state and live workers. Fails with UpstreamError('redis'). */
  counts(): Promise<QueueCounts>;
  /** Resolves when the job has finished: 'completed' or 'failed' with its reason. */
  waitUntilFinished(jobId: string, timeoutMs: number): Promise<{ state: 'completed' | 'failed'; reason?: string }>;
  /** One job, or undefined when it is unknown or expired. */
  get(jobId: string): Promise<JobSummary | undefined>;
  /** Recent jobs, newest first: queued and running ones, plus finished ones when `all`. */
  list(opts: { all: boolean; limit: number }): Promise<JobSummary[]>;
  /**
   * Cancels a job: a waiting one is removed at once ('removed'); a running one gets its
   * AbortSignal fired on whichever worker runs it ('signalled'); a finished one is left ('finished').
   */
  cancel(jobId: string, reason: string): Promise<'removed' | 'signalled' | 'finished' | 'unknown'>;
  /**
   * Makes sure a job with `data` is queued every `everyMs`, under the scheduler id `id` (idempotent:
   * every worker may call it at startup; there is still one job per tick).
   */
  repeat(id: string, everyMs: number, data: JobData): Promise<void>;
  /** Removes the scheduler `id` (idempotent: nothing to remove is fine). Fails with UpstreamError('redis'). */
  unrepeat(id: string): Promise<void>;
  /** The ids of the schedulers registered now (by every process on this queue). Fails with UpstreamError('redis'). */
  repeats(): Promise<string[]>;
  close(): Promise<void>;
}
