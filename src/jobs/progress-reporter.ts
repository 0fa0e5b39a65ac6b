import type { Logger } from '../log.js';
import type { Chat, ChatMessage } from '../ports/chat.js';
import type { JobOutcome, JobStateStore, ProgressState, StepState } from '../ports/job-state.js';
import { renderProgress } from '../render/progress.js';
import { chunkLines } from '../render/chunk-lines.js';

/** What a job uses to show its progress. One live message per job, its thread for the details. */
export interface Progress {
  /**
   * Runs `fn` as a named step, shown running → done / failed. A step that already finished in an
   * earlier attempt (the job was resumed after its worker died) is not run again.
   */
  step<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
  /** Adds a line to the message's thread (coalesced with other lines). */
  log(line: string): void;
  /** Ends the job's message. `final` replaces the step list with a message of the job's own (e.g. the status report). */
  finish(outcome: JobOutcome, summary: string, final?: ChatMessage): Promise<void>;
}

export interface ProgressOptions {
  chat: Chat;
  store: JobStateStore;
  log: Logger;
  channel: string;
  jobId: string;
  title: string;
  requestedBy: string;
  now: () => Date;
  /** Checked before each step: a cancelled job stops at the next step boundary. */
  signal?: AbortSignal;
  /** Minimum time between two updates of the message (Slack allows about one per second). */
  minIntervalMs?: number;
}

const FINAL_ATTEMPTS = 6;

/**
 * Starts (or, after a worker died, resumes) a job's progress message. Changes are coalesced into
 * at most one update per `minIntervalMs`; a failed update is retried later, and the final state is
 * retried until it lands, so a rate-limited burst never loses the end of the story.
 */
export async function startProgress(opts: ProgressOptions): Promise<Progress> {
  const interval = opts.minIntervalMs ?? 1000;
  const previous = await opts.store.load(opts.jobId);
  const resumed = previous !== undefined && previous.result === undefined;
  const state: ProgressState = previous && resumed
    ? { ...previous, resumed: previous.resumed + 1, steps: previous.steps.filter((s) => s.status !== 'running') }
    : { jobId: opts.jobId, title: opts.title, requestedBy: opts.requestedBy, startedAt: opts.now().toISOString(), steps: [], resumed: 0 };
  let final: ChatMessage | undefined;
  let threadLines: string[] = resumed ? ['Resumed on another worker: the previous one stopped answering. Finished steps are not run again.'] : [];
  let dirty = true;
  let lastFlushAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;

  const send = async () => {
    const message = final ?? renderProgress(state, opts.now());
    if (!state.message) state.message = await opts.chat.post(opts.channel, message);
    else await opts.chat.update(state.message, message);
    await opts.store.save(state);
    const lines = threadLines;
    threadLines = [];
    try {
      for (const chunk of chunkLines(lines)) await opts.chat.post(opts.channel, { text: chunk }, { threadTs: state.message.ts });
    } catch (e) {
      threadLines = [...lines, ...threadLines];
      throw e;
    }
  };

  const flush = async (): Promise<void> => {
    timer = undefined;
    if (flushing) return flushing;
    if (!dirty && threadLines.length === 0) return;
    dirty = false;
    lastFlushAt = Date.now();
    flushing = send()
      .catch((err: unknown) => {
        dirty = true;
        opts.log.warn({ err }, 'progress update failed; will retry');
      })
      .finally(() => {
        flushing = undefined;
        if (dirty || threadLines.length) schedule();
      });
    return flushing;
  };

  const schedule = () => {
    if (timer || flushing) return;
    timer = setTimeout(() => void flush(), Math.max(0, lastFlushAt + interval - Date.now()));
  };
  const changed = () => {
    dirty = true;
    schedule();
  };

  await flush();
  if (resumed) opts.log.info({ resumed: state.resumed }, 'job resumed after a worker was lost');

  return {
    async step(name, fn) {
      const earlier = state.steps.find((s) => s.name === name && s.status === 'done');
      if (earlier) return undefined;
      opts.signal?.throwIfAborted();
      const step: StepState = { name, status: 'running', startedAt: opts.now().toISOString() };
      state.steps.push(step);
      changed();
      try {
        const value = await fn();
        step.status = 'done';
        return value;
      } catch (e) {
        step.status = 'failed';
        step.detail = (e as Error).message;
        throw e;
      } finally {
        step.endedAt = opts.now().toISOString();
        threadLines.push(`${step.status === 'done' ? '✓' : '✗'} ${name}${step.detail ? ` — ${step.detail}` : ''}`);
        changed();
      }
    },
    log(line) {
      threadLines.push(line);
      schedule();
    },
    async finish(outcome, summary, finalMessage) {
      state.result = { outcome, summary, endedAt: opts.now().toISOString() };
      final = finalMessage;
      clearTimeout(timer);
      timer = undefined;
      for (let attempt = 1; ; attempt++) {
        await flushing;
        dirty = true;
        await flush();
        if (!dirty) return;
        if (attempt >= FINAL_ATTEMPTS) {
          opts.log.error({ attempts: attempt }, 'could not post the final state of the job');
          return;
        }
        clearTimeout(timer);
        timer = undefined;
        await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 8000)));
      }
    },
  };
}
