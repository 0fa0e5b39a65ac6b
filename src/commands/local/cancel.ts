import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { requestConfirmation } from '../../jobs/confirm/request-confirmation.js';
import type { CommandInput, CommandReply } from '../types.js';
import type { CommandOf } from '../command.js';

export type CancelDeps = Pick<Deps, 'config' | 'queue' | 'locks' | 'audit' | 'confirmations' | 'jobState' | 'chatFor' | 'now'>;

/**
 * `/dev cancel <job>`. Your own job is cancelled at once; someone else's needs a confirmation
 * (unless `--yes` is allowed for you). A queued job is removed; a running one is signalled and
 * stops at its next safe point.
 */
export async function answerCancel(
  command: CommandOf<'cancel'>,
  input: CommandInput,
  ctx: { environment: string; maySkipConfirmation: boolean; deps: CancelDeps },
): Promise<CommandReply> {
  const { deps } = ctx;
  const job = await deps.queue.get(command.job);
  if (!job) throw new UsageError(`There is no job \`${command.job}\`. \`/dev jobs\` lists the current ones.`);
  if (job.state === 'completed' || job.state === 'failed') return { text: `Job \`${job.id}\` has already finished (${job.state}).`, outcome: 'answered' };
  if (job.user !== input.user && !(command.yes && ctx.maySkipConfirmation)) {
    await requestConfirmation(deps, deps.chatFor(input.transport), {
      id: `cancel-${job.id}`,
      action: { type: 'cancel', jobId: job.id },
      requester: input.user, channel: input.channel, channelName: input.channelName, environment: ctx.environment,
      transport: input.transport, text: input.text.replace(/^\s*\/dev\s*/, ''), verb: 'cancel', target: job.target, approvals: 1,
    }, { text: `This cancels job ${job.id} (\`/dev ${job.text}\`) of <@${job.user}>, now ${job.state}.` });
    return { text: `Job \`${job.id}\` belongs to <@${job.user}>: confirm the cancellation in the channel.`, outcome: 'queued' };
  }
  return { text: await performCancel(job.id, input.user, deps), outcome: 'answered' };
}

/** Cancels a job now and says what happened. Shared by `/dev cancel` and its confirmation. */
export async function performCancel(jobId: string, by: string, deps: CancelDeps): Promise<string> {
  const job = await deps.queue.get(jobId);
  const result = await deps.queue.cancel(jobId, `cancelled by ${by}`);
  if (result === 'removed' && job) {
    // It never started: release the lock taken when it was requested, and record the cancellation.
    if (job.data.lockTarget) await deps.locks.release(job.data.lockTarget, jobId);
    await deps.audit.append({ event: 'job_cancelled', user: by, channel: job.data.requestedBy.channelName, text: job.text, jobId, target: job.target, outcome: 'removed before it started' });
    return `Job \`${jobId}\` was cancelled before it started.`;
  }
  if (result === 'signalled') return `Cancelling job \`${jobId}\`: it stops at its next safe point, and its message will say so.`;
  if (result === 'finished') return `Job \`${jobId}\` had already finished.`;
  return `There is no job \`${jobId}\`.`;
}
