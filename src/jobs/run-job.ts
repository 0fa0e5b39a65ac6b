import { randomUUID } from 'node:crypto';
import { BotError, UsageError } from '../errors.js';
import type { Deps } from '../deps.js';
import type { Chat, ChatMessage } from '../ports/chat.js';
import type { JobStateStore } from '../ports/job-state.js';
import { FencedError } from '../ports/locks.js';
import type { JobData } from '../ports/queue.js';
import { requestConfirmation } from './confirm/request-confirmation.js';
import type { JobKind, RunFence } from './job-kind.js';
import { holdLock, type HeldLock } from './lock-heartbeat.js';
import { startProgress, type Progress } from './progress-reporter.js';
import { tellRequesterInstead } from './tell-requester.js';
import { refusalCode } from '../alerts/channel-failures.js';
import { verifyThroughOutage } from './verify-through-outage.js';

/**
 * How a run ended, for the worker adapter. The queue never retries a job: a failure is final, and
 * the requester runs it again (the Retry button, or the command), because most kinds' steps change
 * the cluster and are not safe to repeat blindly. 'handed-over': another run resumed the job and
 * owns it now; this one leaves it alone.
 */
export type RunEnd = { ended: 'succeeded' } | { ended: 'failed'; message: string } | { ended: 'handed-over' };

/**
 * The abort reason a worker adapter gives when it lost its lease on a running job (the queue's
 * lock on it lapsed, e.g. Redis was out of reach longer than the lock lives, or the process was
 * frozen): another run resumes the job, so this one stops at the next safe point and hands over
 * silently. It no longer writes the job's message or progress, and leaves the job's lock to the
 * run that resumes it.
 */
export const LEASE_LOST = 'devbot: this worker lost its lease on the job';

/** Progress for internal jobs, which post no message of their own. */
const SILENT_PROGRESS: Progress = { step: (_name, fn) => fn(), log: () => {}, finish: async () => {} };

const SUCCEEDED: RunEnd = { ended: 'succeeded' };

/**
 * The edge where jobs run: validates the payload, runs the kind's processor under its lock with a
 * live progress message, and turns every ending (success, failure, cancel, lost lock) into what
 * the requester reads.
 */
export async function runJob(jobId: string, data: JobData, deps: Deps, signal: AbortSignal): Promise<RunEnd> {
  const log = deps.log.child({ jobId, kind: data.kind });
  // Aborted with a FencedError when this run loses its lock: waits end, and no further step starts.
  const lockLost = new AbortController();
  const runSignal = AbortSignal.any([signal, lockLost.signal]);
  let lock: HeldLock | undefined;
  const superseded = () => (signal.aborted && signal.reason === LEASE_LOST) || lock?.standing() === 'superseded';
  let resumed = false;
  const { chat, store } = fenceWrites(deps.chatFor(data.transport), noticingResume(deps.jobState, () => (resumed = true)), superseded);
  const kind = deps.jobKinds[data.kind] as JobKind<unknown> | undefined;
  const who = { user: data.requestedBy.user, channel: data.requestedBy.channelName, text: data.text, target: data.target, jobId, transport: data.transport.kind };
  const started = Date.now();
  let progress = SILENT_PROGRESS;
  let finished = false;
  try {
    if (!kind) throw new UsageError(`Unknown job kind '${data.kind}' — this worker is older than the bot that queued it.`);
    const parsed = kind.payloadSchema.safeParse(data.payload);
    if (!parsed.success) throw new UsageError(`The job's payload is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const base = { jobId, data, deps, chat, log, signal: runSignal };
    if (data.phase === 'preview') return await runPreview(kind, parsed.data, base, chat);
    if (!kind.internal && !kind.readsOnly && (await finishedBefore(jobId, deps))) {
      // Only a hand outside devbot (a dashboard, a write to Redis) moves a finished job back to
      // waiting: running it again would skip the ACL, Confirm and approvals of the person doing it.
      log.warn('refused to run a job that had already finished: it was moved back outside devbot');
      await deps.audit.append({ event: 'denied', ...who, decision: 'denied', outcome: 're-run of a finished job outside devbot refused; use the Retry button' }).catch(() => undefined);
      return { ended: 'failed', message: 'This job had already finished; devbot does not run it again. Use the Retry button on its message.' };
    }

    if (!kind.internal) {
      progress = await startProgress({
        chat, store, log, channel: data.requestedBy.channel, threadTs: data.requestedBy.threadTs, jobId, signal: runSignal, now: deps.now,
        title: kind.title?.(parsed.data) ?? `/dev ${data.text}`, requestedBy: data.requestedBy.user,
        // A report (status, deployments, logs) is usually ready within a second: it posts once. A
        // change (deploy, failover, replace) shows "running" at once, so nobody wonders if it started.
        firstPostHoldMs: kind.readsOnly ? READ_FIRST_POST_HOLD_MS : 0,
        onChannelRefused: tellRequesterInstead(chat, data, jobId),
      });
      const own = progress;
      progress = { ...own, finish: async (...args) => { finished = true; await own.finish(...args); } };
      // A run that finds the job's progress unfinished carries on where a lost worker stopped.
      await deps.audit.append({ event: resumed ? 'job_resumed' : 'job_started', ...who, ...(resumed ? { outcome: 'resumed after its worker was lost' } : {}) });
    }
    if (data.lockTarget) {
      const holder = { target: data.lockTarget, jobId, user: data.requestedBy.user, since: data.requestedAt, text: data.text };
      lock = await holdLock(deps.locks, holder, { log, onLost: (e) => lockLost.abort(e) });
    }
    runSignal.throwIfAborted();
    log.info({ user: data.requestedBy.user, environment: data.environment, fence: lock?.fence }, 'job started');
    await kind.run(parsed.data, { ...base, progress: checkingLockAtSteps(releasingFirst(progress, () => lock), lock, runSignal), fence: fenceOf(lock, data.lockTarget, runSignal) });
    if (superseded()) return handOver(log);
    if (!finished) await releasingFirst(progress, () => lock).finish('succeeded', 'Done.');
  } catch (thrown) {
    // However the kind noticed (an AbortError of its own, a refusal from a fenced store), a run
    // that lost its lock ends for that reason.
    const e = lockLost.signal.aborted ? (lockLost.signal.reason as FencedError) : thrown;
    if (superseded() || (e instanceof FencedError && (await standingAfter(e, lock)) === 'superseded')) return handOver(log);
    // The target is free before the message says the job ended, so acting on it at once works.
    await lock?.release();
    if (signal.aborted && !(e instanceof FencedError)) {
      const reason = typeof signal.reason === 'string' ? signal.reason : 'cancelled';
      await progress.finish('cancelled', `Cancelled (${reason}). It stopped at a safe point; the steps above are what was done.`).catch(() => undefined);
      deps.metrics.jobFinished(data.kind, 'cancelled', (Date.now() - started) / 1000);
      await deps.audit.append({ event: 'job_cancelled', ...who, outcome: reason }).catch(() => undefined);
      log.info({ reason }, 'job cancelled');
      return { ended: 'failed', message: `cancelled: ${reason}` };
    }
    return await reportFailure(e, { progress, chat, data, jobId, deps, log, kindIsInternal: kind?.internal ?? false, started, who });
  } finally {
    if (superseded()) lock?.abandon();
    else await lock?.release();
  }
  // Bookkeeping after success must not turn a finished job into a failed one.
  if (!kind.internal) {
    deps.metrics.jobFinished(data.kind, 'succeeded', (Date.now() - started) / 1000);
    await deps.audit.append({ event: 'job_finished', ...who, outcome: 'succeeded' }).catch((err: unknown) => log.error({ err }, 'could not write the audit entry'));
  }
  log.info('job finished');
  return SUCCEEDED;
}

/** How long a read-only job's message waits before its first post (see ProgressOptions.firstPostHoldMs). */
const READ_FIRST_POST_HOLD_MS = 1000;

/** Whether the job's saved progress holds a final result: it ran to its end once already. */
async function finishedBefore(jobId: string, deps: Deps): Promise<boolean> {
  const saved = await deps.jobState.load(jobId);
  return saved?.result !== undefined;
}

/** The job's progress, releasing its lock just before the final message goes out. */
function releasingFirst(progress: Progress, lock: () => HeldLock | undefined): Progress {
  return {
    ...progress,
    async finish(...args) {
      await lock()?.release();
      await progress.finish(...args);
    },
  };
}

/**
 * Looks at the lock (in Redis, not the last heartbeat) before every step: a run that lost it starts
 * no further step. Redis not answering is no verdict: the heartbeat and the queue's lease decide.
 */
function checkingLockAtSteps(progress: Progress, lock: HeldLock | undefined, signal: AbortSignal): Progress {
  if (!lock) return progress;
  return {
    ...progress,
    async step(name, fn) {
      await lock.verify().catch(() => undefined);
      signal.throwIfAborted();
      return progress.step(name, fn);
    },
  };
}

function fenceOf(lock: HeldLock | undefined, target: string | undefined, signal: AbortSignal): RunFence {
  if (!lock) return { target, check: async () => undefined };
  return { target, token: lock.fence, check: () => verifyThroughOutage(lock, signal) };
}

/** A store that compares tokens (etcd) cannot say whether the newer run is this job's: the lock can. */
async function standingAfter(e: FencedError, lock: HeldLock | undefined): Promise<FencedError['standing']> {
  if (e.standing || !lock) return e.standing;
  await lock.verify().catch(() => undefined);
  const now = lock.standing();
  return now === 'held' ? undefined : now;
}

function handOver(log: Deps['log']): RunEnd {
  log.warn('lease on the job lost (another run took it over: Redis was out of reach, or this process was frozen): stopped, another run resumes it');
  return { ended: 'handed-over' };
}

/** The job state store, telling when a run finds the job's progress saved and unfinished (a resume, as startProgress judges it). */
function noticingResume(store: JobStateStore, onResume: () => void): JobStateStore {
  return {
    load: async (id) => {
      const state = await store.load(id);
      if (state && state.result === undefined) onResume();
      return state;
    },
    save: (state) => store.save(state),
  };
}

/**
 * The job's chat and progress store, gone quiet once `fenced()`: a run that lost its lease must
 * not overwrite the message or the saved progress of the run that resumed the job.
 */
function fenceWrites(chat: Chat, store: JobStateStore, fenced: () => boolean): { chat: Chat; store: JobStateStore } {
  return {
    chat: {
      post: async (channel, message, opts) => (fenced() ? { channel, ts: '' } : chat.post(channel, message, opts)),
      // opts carries `final`: a final state dropped to an ordinary update waits behind progress.
      update: async (ref, message, opts) => (fenced() ? undefined : chat.update(ref, message, opts)),
      postEphemeral: async (channel, user, message) => (fenced() ? undefined : chat.postEphemeral(channel, user, message)),
      ...(chat.upload ? { upload: async (channel: string, file: { filename: string; title: string; content: string }, opts?: { threadTs?: string }) => (fenced() ? undefined : chat.upload!(channel, file, opts)) } : {}),
      ...(chat.respond ? { respond: async (responseUrl: string, message: ChatMessage) => (fenced() ? undefined : chat.respond!(responseUrl, message)) } : {}),
    },
    store: {
      load: (id) => store.load(id),
      save: async (state) => (fenced() ? undefined : store.save(state)),
    },
  };
}

async function runPreview(kind: JobKind<unknown>, payload: unknown, base: Parameters<NonNullable<JobKind['preview']>>[1], chat: Chat): Promise<RunEnd> {
  const { data, deps } = base;
  let preview;
  try {
    preview = kind.preview ? await kind.preview(payload, base) : { text: `This will run \`/dev ${data.text}\` in ${data.environment}.` };
  } catch (e) {
    // Nothing will be confirmed: the lock taken when the command arrived goes now, not in 11 min.
    if (data.lockTarget && data.runJobId) await deps.locks.release(data.lockTarget, data.runJobId).catch(() => undefined);
    throw e;
  }
  const env = deps.config.environments[data.environment];
  const runJobId = data.runJobId ?? `${base.jobId}-run`;
  await requestConfirmation(deps, chat, {
    id: runJobId,
    action: { type: 'job', jobId: runJobId, data: { ...data, phase: 'run', runJobId: undefined } },
    requester: data.requestedBy.user,
    channel: data.requestedBy.channel,
    channelName: data.requestedBy.channelName,
    environment: data.environment,
    transport: data.transport,
    text: data.text,
    verb: String(data.payload['verb'] ?? data.kind),
    target: data.target,
    lockTarget: data.lockTarget,
    approvals: env?.approvals ?? 1,
  }, preview);
  return SUCCEEDED;
}

/** Tells the requester once (the queue does not retry), counts and audits the failure. */
async function reportFailure(
  e: unknown,
  ctx: { progress: Progress; chat: Chat; data: JobData; jobId: string; deps: Deps; log: Deps['log']; kindIsInternal: boolean; started: number; who: Record<string, unknown> & { user: string; channel: string; text: string } },
): Promise<RunEnd> {
  let message: string;
  if (e instanceof BotError) {
    message = e.userFacing;
    ctx.log.warn({ code: e.code, err: e }, 'job failed');
  } else {
    const ref = randomUUID().slice(0, 8);
    message = `internal error, ref ${ref}`;
    ctx.log.error({ err: e, ref }, 'job failed unexpectedly');
  }
  if (ctx.progress === SILENT_PROGRESS && !ctx.kindIsInternal) {
    // A command typed in a thread (a mention's) is answered there, its refusal too.
    const thread = ctx.data.requestedBy.threadTs ? { threadTs: ctx.data.requestedBy.threadTs } : undefined;
    const text = `:x: \`/dev ${ctx.data.text}\` (job ${ctx.jobId}) failed: ${message}`;
    await ctx.chat.post(ctx.data.requestedBy.channel, { text }, thread).catch(async (err: unknown) => {
      // A channel that refuses devbot (not invited): the requester hears it through response_url.
      const code = refusalCode(err);
      const tell = code ? tellRequesterInstead(ctx.chat, ctx.data, ctx.jobId) : undefined;
      await tell?.({ text }, code!).catch(() => undefined);
    });
  } else {
    await ctx.progress.finish('failed', message).catch((err: unknown) => ctx.log.error({ err }, 'could not report the failure'));
  }
  ctx.deps.metrics.jobFinished(ctx.data.kind, 'failed', (Date.now() - ctx.started) / 1000);
  await ctx.deps.audit.append({ event: 'job_failed', ...ctx.who, outcome: message }).catch(() => undefined);
  return { ended: 'failed', message };
}
