import { randomUUID } from 'node:crypto';
import { BotError, UpstreamError, UsageError } from '../errors.js';
import type { Deps } from '../deps.js';
import type { JobData } from '../ports/queue.js';
import { renderFailure } from '../render/error.js';
import { JOB_KINDS } from './kinds.js';

export interface JobFailure {
  /** False when running it again cannot help (bad payload, usage, access): the queue must not retry. */
  retryable: boolean;
  message: string;
}

/**
 * The edge where jobs run: validates the payload, runs the kind's processor, and turns any error
 * into a message the requester reads in the channel. Returns undefined on success.
 */
export async function runJob(jobId: string, data: JobData, deps: Deps, signal: AbortSignal, attempt: { final: boolean }): Promise<JobFailure | undefined> {
  const log = deps.log.child({ jobId, kind: data.kind });
  const chat = deps.chatFor(data.transport);
  const kind = JOB_KINDS[data.kind];
  try {
    if (!kind) throw new UsageError(`Unknown job kind '${data.kind}' — this worker is older than the bot that queued it.`);
    const payload = kind.payloadSchema.safeParse(data.payload);
    if (!payload.success) throw new UsageError(`The job's payload is invalid: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    log.info({ user: data.requestedBy.user, environment: data.environment }, 'job started');
    await kind.run(payload.data as never, { jobId, data, deps, chat, log, signal });
    log.info('job finished');
    return undefined;
  } catch (e) {
    const retryable = e instanceof UpstreamError ? e.retryable : !(e instanceof BotError);
    let message: string;
    if (e instanceof BotError) {
      message = e.userFacing;
      log.warn({ code: e.code, err: e }, 'job failed');
    } else {
      const ref = randomUUID().slice(0, 8);
      message = `internal error, ref ${ref}`;
      log.error({ err: e, ref }, 'job failed unexpectedly');
    }
    // Tell the requester once: on the last attempt, or now when no retry will follow.
    if (!retryable || attempt.final) {
      await chat
        .post(data.requestedBy.channel, renderFailure(`\`/dev ${data.text}\` (job ${jobId})`, message))
        .catch((postErr: unknown) => log.error({ err: postErr }, 'could not report the failure to the channel'));
    }
    return { retryable, message };
  }
}
