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
  /** The thread the message was posted in (a mention's), when it is a reply; its details go there too. */
  threadTs?: string;
  /** Lines the job keeps current in its message besides the steps (one per service of a converge). */
  board?: string[];
  result?: { outcome: JobOutcome; summary: string; endedAt: string };
  /** Lines shown under the result, in a block of their own (a failed unit's journal). */
  excerpt?: { title: string; text: string };
  /** Buttons the final message offers besides Retry (Rollback on a failed deploy). */
  offers?: ProgressOffer[];
}

/** A button that runs a `/dev` command as whoever clicks it: the command's own ACL, confirmation and audit. */
export interface ProgressOffer {
  /** Which button: its action id must differ from the message's other buttons'. */
  action: 'rollback';
  label: string;
  /** The command text, as typed after `/dev`. */
  command: string;
}

export interface JobStateStore {
  /** The saved progress of a job, if any. Fails with UpstreamError('redis'). */
  load(jobId: string): Promise<ProgressState | undefined>;
  /** Saves the progress of a job (kept for a day). Fails with UpstreamError('redis'). */
  save(state: ProgressState): Promise<void>;
}
