import { randomUUID } from 'node:crypto';
import { BotError, UpstreamError, UsageError } from '../errors.js';
import type { Deps } from '../deps.js';
import type { Chat } from '../ports/chat.js';
import type { JobStateStore } from '../ports/job-state.js';
import type { JobData } from '../ports/queue.js';
import { requestConfirmation } from './confirm/request-confirmation.js';
import type { JobKind } from './job-kind.js';
import { holdLock, type HeldLock } from './lock-heartbeat.js';
import { startProgress, type Progress } from './progress-reporter.js';

export interface JobFailure {
  /** False when running it again cannot help (bad payload, usage, access, cancelled): no retry. */
  retryable: boolean;
  message: string;
}

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

/**
 * The edge where jobs run: validates the payload, runs the kind's processor under its lock with a
 * live progress message, and turns every ending (success, failure, cancel) into what the
 * requester reads. Returns undefined on success.
 */
export async function runJob(jobId: string, data: JobData, deps: Deps, signal: AbortSignal, attempt: { final: boolean }): Promise<JobFailure | undefined> {
  const log = deps.log.child({ jobId, kind: data.kind });
  const leaseLost = () => signal.aborted && signal.reason === LEASE_LOST;
  const { chat, store } = fenceWrites(deps.chatFor(data.transport), deps.jobState, leaseLost);
  const kind = deps.jobKinds[data.kind] as JobKind<unknown> | undefined;
  const who = { user: data.requestedBy.user, channel: data.requestedBy.channelName, text: data.text, target: data.target, jobId };
  const started = Date.now();
  let progress = SILENT_PROGRESS;
  let finished = false;
  let lock: HeldLock | undefined;
  try {
    if (!kind) throw new UsageError(`Unknown job kind '${data.kind}' — this worker is older than the bot that queued it.`);
    const parsed = kind.payloadSchema.safeParse(data.payload);
    if (!parsed.success) throw new UsageError(`The job's payload is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const base = { jobId, data, deps, chat, log, signal };
    if (data.phase === 'preview') return await runPreview(kind, parsed.data, base, chat);

    if (!kind.internal) {
      progress = await startProgress({
        chat, store, log, channel: data.requestedBy.channel, jobId, signal, now: deps.now,
        title: kind.title?.(parsed.data) ?? `/dev ${data.text}`, requestedBy: data.requestedBy.user,
      });
      const own = progress;
      progress = { ...own, finish: async (...args) => { finished = true; await own.finish(...args); } };
      await deps.audit.append({ event: 'job_started', ...who });
    }
    if (data.lockTarget) {
      lock = await holdLock(deps.locks, { target: data.lockTarget, jobId, user: data.requestedBy.user, since: data.requestedAt, text: data.text }, log);
    }
    signal.throwIfAborted();
    log.info({ user: data.requestedBy.user, environment: data.environment }, 'job started');
    await kind.run(parsed.data, { ...base, progress: releasingFirst(progress, () => lock) });
    if (leaseLost()) return handOver(log);
    if (!finished) await releasingFirst(progress, () => lock).finish('succeeded', 'Done.');
  } catch (e) {
    if (leaseLost()) return handOver(log);
    // The target is free before the message says the job ended, so acting on it at once works.
    await lock?.release();
    if (signal.aborted) {
      const reason = typeof signal.reason === 'string' ? signal.reason : 'cancelled';
      await progress.finish('cancelled', `Cancelled (${reason}). It stopped at a safe point; the steps above are what was done.`).catch(() => undefined);
      deps.metrics.jobFinished(data.kind, 'cancelled', (Date.now() - started) / 1000);
      await deps.audit.append({ event: 'job_cancelled', ...who, outcome: reason }).catch(() => undefined);
      log.info({ reason }, 'job cancelled');
      return { retryable: false, message: `cancelled: ${reason}` };
    }
    return await reportFailure(e, { final: attempt.final, progress, chat, data, jobId, deps, log, kindIsInternal: kind?.internal ?? false, started, who });
  } finally {
    if (leaseLost()) lock?.abandon();
    else await lock?.release();
  }
  // Bookkeeping after success must not turn a finished job into a failed one (and run it again).
  if (!kind.internal) {
    deps.metrics.jobFinished(data.kind, 'succeeded', (Date.now() - started) / 1000);
    await deps.audit.append({ event: 'job_finished', ...who, outcome: 'succeeded' }).catch((err: unknown) => log.error({ err }, 'could not write the audit entry'));
  }
  log.info('job finished');
  return undefined;
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

function handOver(log: Deps['log']): JobFailure {
  log.warn('lease on the job lost (Redis out of reach, or this process was frozen): stopped, another run resumes it');
  return { retryable: true, message: LEASE_LOST };
}

/**
 * The job's chat and progress store, gone quiet once `fenced()`: a run that lost its lease must
 * not overwrite the message or the saved progress of the run that resumed the job.
 */
function fenceWrites(chat: Chat, store: JobStateStore, fenced: () => boolean): { chat: Chat; store: JobStateStore } {
  return {
    chat: {
      post: async (channel, message, opts) => (fenced() ? { channel, ts: '' } : chat.post(channel, message, opts)),
      update: async (ref, message) => (fenced() ? undefined : chat.update(ref, message)),
      postEphemeral: async (channel, user, message) => (fenced() ? undefined : chat.postEphemeral(channel, user, message)),
    },
    store: {
      load: (id) => store.load(id),
      save: async (state) => (fenced() ? undefined : store.save(state)),
    },
  };
}

async function runPreview(kind: JobKind<unknown>, payload: unknown, base: Parameters<NonNullable<JobKind['preview']>>[1], chat: Chat): Promise<undefined> {
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
  return undefined;
}

async function reportFailure(
  e: unknown,
  ctx: { final: boolean; progress: Progress; chat: Chat; data: JobData; jobId: string; deps: Deps; log: Deps['log']; kindIsInternal: boolean; started: number; who: Record<string, unknown> & { user: string; channel: string; text: string } },
): Promise<JobFailure> {
  const retryable = e instanceof UpstreamError ? e.retryable : !(e instanceof BotError);
  let message: string;
  if (e instanceof BotError) {
    message = e.userFacing;
    ctx.log.warn({ code: e.code, err: e }, 'job failed');
  } else {
    const ref = randomUUID().slice(0, 8);
    message = `internal error, ref ${ref}`;
    ctx.log.error({ err: e, ref }, 'job failed unexpectedly');
  }
  // Tell the requester once: on the last attempt, or now when no retry will follow.
  if (!retryable || ctx.final) {
    if (ctx.progress === SILENT_PROGRESS && !ctx.kindIsInternal) {
      await ctx.chat.post(ctx.data.requestedBy.channel, { text: `:x: \`/dev ${ctx.data.text}\` (job ${ctx.jobId}) failed: ${message}` }).catch(() => undefined);
    } else {
      await ctx.progress.finish('failed', message).catch((err: unknown) => ctx.log.error({ err }, 'could not report the failure'));
    }
    ctx.deps.metrics.jobFinished(ctx.data.kind, 'failed', (Date.now() - ctx.started) / 1000);
    await ctx.deps.audit.append({ event: 'job_failed', ...ctx.who, outcome: message }).catch(() => undefined);
  } else {
    ctx.progress.log(`Attempt failed (${message}); it will be retried.`);
  }
  return { retryable, message };
}
