/** The job queue as commands and the status report see it (BullMQ underneath). */

/** Where a job's messages go: Slack, or a console session's output stream. */
export type Transport = { kind: 'slack' } | { kind: 'console'; session: string };

export interface JobData {
  /** The job kind, e.g. 'status'. One file per kind under src/jobs/. */
  kind: string;
  payload: Record<string, unknown>;
  requestedBy: { user: string; channel: string; channelName: string };
  environment: string;
  /** The command text as typed, for the audit trail and the progress message. */
  text: string;
  transport: Transport;
  requestedAt: string;
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

export interface JobQueue {
  /** Adds a job under `jobId`; a second add with the same id is a no-op. Fails with UpstreamError('redis'). */
  enqueue(data: JobData, opts: { jobId: string }): Promise<EnqueueResult>;
  /** Counts per state and live workers. Fails with UpstreamError('redis'). */
  counts(): Promise<QueueCounts>;
  /** Resolves when the job has finished: 'completed' or 'failed' with its reason. */
  waitUntilFinished(jobId: string, timeoutMs: number): Promise<{ state: 'completed' | 'failed'; reason?: string }>;
  close(): Promise<void>;
}
