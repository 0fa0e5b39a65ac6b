import type { MessageRef } from './chat.js';

export type StepStatus = 'running' | 'done' | 'failed' | 'skipped';

export interface StepState {
  name: string;
  status: StepStatus;
  detail?: string;
  startedAt: string;
  endedAt?: string;
  /** What the step returned (small JSON), given back when a resumed job skips the step. */
  value?: unknown;
}

export type JobOutcome = 'succeeded' | 'failed' | 'cancelled';

/** Everything the progress message shows; persisted so a resumed job carries on where it was. */
export interface ProgressState {
  jobId: string;
  title: string;
  requestedBy: string;
  startedAt: string;
  steps: StepState[];
  /** How many times another worker picked the job up after one died. */
  resumed: number;
  message?: MessageRef;
  /** Lines the job keeps current in its message besides the steps (one per service of a converge). */
  board?: string[];
  result?: { outcome: JobOutcome; summary: string; endedAt: string };
}

export interface JobStateStore {
  /** The saved progress of a job, if any. Fails with UpstreamError('redis'). */
  load(jobId: string): Promise<ProgressState | undefined>;
  /** Saves the progress of a job (kept for a day). Fails with UpstreamError('redis'). */
  save(state: ProgressState): Promise<void>;
}
