import { UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Chat, ChatMessage } from '../ports/chat.js';
import type { JobOutcome, JobStateStore, ProgressState, StepState } from '../ports/job-state.js';
import { fitMessage } from '../render/limits.js';
import { namingTheJob } from '../render/naming-the-job.js';
import { renderProgress, SUMMARY_SHOWN } from '../render/progress.js';
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
  /**
   * The ts of the thread the job's lines go to (the mention's, else the job message's), posting
   * the message now if it still waits for its first post. Undefined when it could not be posted.
   */
  thread?(): Promise<string | undefined>;
  /**
   * Replaces the lines the message shows above its steps (one per service of a converge: waiting,
   * starting, active, failed), updated in place at the message's pace. Optional: kinds that keep
   * no such lines never call it.
   */
  board?(lines: string[]): void;
  /**
   * Adds to what the final message shows: an excerpt under the result (a failed unit's journal)
   * and buttons besides Retry (Rollback). Called before the job ends or throws. Optional.
   */
  attach?(extra: Pick<ProgressState, 'excerpt' | 'offers'>): void;
  /**
   * Ends the job's message. `final` replaces the step list with a message of the job's own (e.g.
   * the status report). Retries the final state for about half a minute, then logs and gives up:
   * a chat outage never fails the job itself.
   */
  finish(outcome: JobOutcome, summary: string, final?: ChatMessage): Promise<void>;
}

export interface ProgressOptions {
  chat: Chat;
  store: JobStateStore;
  log: Logger;
  channel: string;
  /** Post the message as a reply in this thread (the mention that asked); its step logs go there too. */
  threadTs?: string;
  jobId: string;
  title: string;
  requestedBy: string;
  now: () => Date;
  /** Checked before each step: a cancelled job stops at the next step boundary. */
  signal?: AbortSignal;
  /** Minimum time between two updates of the message (Slack allows about one per second). */
  minIntervalMs?: number;
  /**
   * How long a new job's message waits before its first post (default 0: at once): a job whose
   * result is ready by then posts it once, with no "running" message first.
   */
  firstPostHoldMs?: number;
  /**
   * The channel refused the job's message in a way that stands (devbot not invited, channel
   * archived or gone): called once at the end with the final message and Slack's error code, so
   * the requester hears the result and what to do some other way. Optional.
   */
  onChannelRefused?: (final: ChatMessage, code: string) => Promise<void>;
}

const FINAL_ATTEMPTS = 6;

/**
 * Slack refusals of the channel itself, which stand until someone acts (invites devbot, unarchives
 * the channel): trying again only holds the worker's slot and spends the channel's budget.
 */
const STANDING_REFUSAL = /: (not_in_channel|channel_not_found|is_archived)$/;
const standsRefused = (err: unknown): boolean => err instanceof UpstreamError && err.service === 'slack' && !err.retryable && STANDING_REFUSAL.test(err.message);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts (or, after a worker died, resumes) a job's progress message. Changes are coalesced into
 * at most one write per `minIntervalMs` (the final one included); a failed update is retried
 * later, and the final state is retried with backoff for about half a minute, so a rate-limited
 * burst never loses the end of the story.
 */
export async function startProgress(opts: ProgressOptions): Promise<Progress> {
  const interval = opts.minIntervalMs ?? 1000;
  const previous = await opts.store.load(opts.jobId);
  const resumed = previous !== undefined && previous.result === undefined;
  const state: ProgressState = previous && resumed
    ? { ...previous, resumed: previous.resumed + 1, steps: previous.steps.filter((s) => s.status !== 'running') }
    : { jobId: opts.jobId, title: opts.title, requestedBy: opts.requestedBy, startedAt: opts.now().toISOString(), steps: [], resumed: 0, ...(opts.threadTs ? { threadTs: opts.threadTs } : {}) };
  // Steps an earlier attempt finished, counted by name: each is skipped once, so a job that runs
  // a step of the same name twice in one run still runs the second one.
  // Steps finished by an earlier run of this job, by name, in order, with what each returned.
  const doneEarlier = new Map<string, unknown[]>();
  for (const s of resumed ? state.steps : []) if (s.status === 'done') doneEarlier.set(s.name, [...(doneEarlier.get(s.name) ?? []), s.value]);
  let final: ChatMessage | undefined;
  let threadLines: string[] = resumed ? ['Resumed on another worker: the previous one stopped answering. Finished steps are not run again.'] : [];
  let dirty = true;
  let lastWriteAt = -Infinity;
  /** Writes of the message that landed, the first post included. */
  let writesLanded = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  /** While finish() runs it alone decides when to write; after it gave up, nothing is written. */
  let finishing = false;
  /** The channel refused the message in a way that stands (standsRefused): nothing more is sent. */
  let refusedBy: unknown;

  const send = async () => {
    const message = final ? fitMessage(namingTheJob(final, opts.jobId)) : renderProgress(state, opts.now());
    if (!state.message) state.message = await opts.chat.post(opts.channel, message, state.threadTs ? { threadTs: state.threadTs } : undefined);
    else await opts.chat.update(state.message, message, finishing ? { final: true } : undefined);
    await opts.store.save(state);
    void postThread();
  };

  /**
   * The thread's lines go out on a chain of their own: thread replies share the channel's post
   * budget (about 1/s), and a busy channel must not hold up the message itself, least of all its
   * final state.
   */
  let threadPosting: Promise<void> | undefined;
  const postThread = (): Promise<void> => {
    if (threadPosting) return threadPosting;
    const ref = state.message;
    if (!ref || threadLines.length === 0) return Promise.resolve();
    threadPosting = (async () => {
      // A chunk leaves the queue only once posted, so a failure re-sends the rest, not the lot.
      const chunks = chunkLines(threadLines);
      threadLines = [];
      while (chunks.length) {
        try {
          // A reply cannot have a thread of its own: a message in a mention's thread logs there.
          await opts.chat.post(opts.channel, { text: chunks[0]! }, { threadTs: state.threadTs ?? ref.ts });
        } catch (e) {
          threadLines = [...chunks, ...threadLines];
          throw e;
        }
        chunks.shift();
      }
    })()
      .catch((err: unknown) => opts.log.warn({ err }, 'thread update failed; will retry'))
      .finally(() => {
        threadPosting = undefined;
        if (threadLines.length) schedule();
      });
    return threadPosting;
  };

  const flush = async (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    if (flushing) return flushing;
    // Only thread lines are new: the message itself has nothing to show.
    if (!dirty) return postThread();
    dirty = false;
    flushing = send()
      .catch((err: unknown) => {
        dirty = true;
        if (standsRefused(err)) refusedBy = err;
        else opts.log.warn({ err }, 'progress update failed; will retry');
      })
      .finally(() => {
        // The pace counts from the end of a write: one delayed by a 429 is not followed at once.
        lastWriteAt = Date.now();
        if (!dirty) refusedBy = undefined;
        if (state.message && !dirty) writesLanded++;
        flushing = undefined;
        if (dirty) schedule();
      });
    return flushing;
  };

  /** The final state, sent beside an update still in flight (see finish). */
  const sendFinal = async (): Promise<void> => {
    dirty = false;
    try {
      await send();
      refusedBy = undefined;
      writesLanded++;
    } catch (err) {
      dirty = true;
      if (standsRefused(err)) refusedBy = err;
      else opts.log.warn({ err }, 'final progress update failed; will retry');
    } finally {
      lastWriteAt = Date.now();
    }
  };

  const schedule = () => {
    if (timer || flushing || finishing || refusedBy !== undefined) return;
    timer = setTimeout(() => void flush(), Math.max(0, lastWriteAt + interval - Date.now()));
  };
  const changed = () => {
    dirty = true;
    schedule();
  };

  // Slack's budget goes to results: a job done within the hold is one post, not a post and an update.
  // A resumed job (its message exists) shows itself at once.
  const holdMs = opts.firstPostHoldMs ?? 0;
  if (state.message || holdMs <= 0) await flush();
  else timer = setTimeout(() => void flush(), holdMs);
  if (resumed) opts.log.info({ resumed: state.resumed }, 'job resumed after a worker was lost');

  return {
    async step(name, fn) {
      const earlier = doneEarlier.get(name);
      if (earlier?.length) return earlier.shift() as Awaited<ReturnType<typeof fn>>;
      opts.signal?.throwIfAborted();
      const step: StepState = { name, status: 'running', startedAt: opts.now().toISOString() };
      state.steps.push(step);
      changed();
      try {
        const value = await fn();
        step.status = 'done';
        step.value = value;
        // Saved at once, not at the next throttled flush: a worker dying right after this step
        // must not leave a resumed job to run it again.
        await opts.store.save(state).catch((err: unknown) => opts.log.warn({ err }, 'could not save the finished step'));
        return value;
      } catch (e) {
        step.status = 'failed';
        step.detail = e instanceof Error ? e.message : String(e);
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
    async thread() {
      if (!state.message) await flush();
      return state.threadTs ?? state.message?.ts;
    },
    board(lines) {
      if (finishing || (state.board && state.board.join('\n') === lines.join('\n'))) return;
      state.board = [...lines];
      changed();
    },
    attach(extra) {
      if (extra.excerpt) state.excerpt = extra.excerpt;
      if (extra.offers) state.offers = [...(state.offers ?? []), ...extra.offers];
      // Shown with the final state, which the job's end writes next.
    },
    async finish(outcome, summary, finalMessage) {
      state.result = { outcome, summary, endedAt: opts.now().toISOString() };
      final = finalMessage;
      // The message shows the start of a long summary; the thread gets all of it.
      if (summary.length > SUMMARY_SHOWN) threadLines.push(summary);
      finishing = true;
      clearTimeout(timer);
      timer = undefined;
      for (let attempt = 1; ; attempt++) {
        // An update still waiting for its turn in Slack's budget is overtaken, not waited for: the
        // chat sends the final state first and drops the older content. Only the first post, whose
        // ts the final state edits, is waited for.
        const overtaking = flushing !== undefined && state.message !== undefined;
        if (!overtaking) await flushing;
        // A job that ends before its message was ever updated shows its result at once (two writes,
        // well inside Slack's burst allowance); after that, the ~1/s pace holds for the end too.
        if (writesLanded > 1 || attempt > 1) await sleep(Math.max(0, lastWriteAt + interval - Date.now()));
        dirty = true;
        if (overtaking) await sendFinal();
        else await flush();
        if (!dirty) {
          // Landed. The job ends once its thread has its last lines too (the second call takes
          // lines logged while the first was posting); a line logged after the end (a retry
          // notice) may still go to the thread.
          finishing = false;
          await postThread();
          await postThread();
          return;
        }
        if (refusedBy !== undefined) {
          opts.log.error({ err: refusedBy, channel: opts.channel }, 'could not post the job to its channel: Slack refuses the channel (invite @devbot there)');
          const code = STANDING_REFUSAL.exec((refusedBy as Error).message)?.[1] ?? 'not_in_channel';
          await opts.onChannelRefused?.(final ? fitMessage(namingTheJob(final, opts.jobId)) : renderProgress(state, opts.now()), code).catch((err: unknown) => opts.log.error({ err }, 'could not tell the requester either'));
          return;
        }
        if (attempt >= FINAL_ATTEMPTS) {
          opts.log.error({ attempts: attempt }, 'could not post the final state of the job');
          return;
        }
        await sleep(Math.min(1000 * 2 ** attempt, 8000));
      }
    },
  };
}
