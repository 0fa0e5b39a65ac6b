import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../errors.js';
import { requestConfirmation } from '../../jobs/confirm/request-confirmation.js';
import type { Transport } from '../../ports/queue.js';
import { escapeMrkdwn, section } from '../../render/limits.js';
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
  // Someone else's job is governed by the policy of its own environment: its approvals, and no
  // `--yes` where two people must agree (wherever the cancel was typed).
  const environment = deps.config.environments[job.data.environment] ? job.data.environment : ctx.environment;
  const approvals = deps.config.environments[environment]?.approvals ?? 1;
  if (job.user !== input.user && !(command.yes && ctx.maySkipConfirmation && approvals < 2)) {
    const what = `This cancels job ${job.id} (\`/dev ${job.text}\`) of <@${job.user}>, now ${job.state}.`;
    await requestConfirmation(deps, deps.chatFor(input.transport), {
      // One per request (the same across Slack's retries of it): a request asked again after an
      // earlier one expired gets its own expiry, and its own message closed when it expires.
      id: `cancel-${job.id}-${createHash('sha256').update(input.requestId).digest('hex').slice(0, 8)}`,
      action: { type: 'cancel', jobId: job.id },
      requester: input.user, channel: input.channel, channelName: input.channelName, environment,
      transport: input.transport, text: input.text.replace(/^\s*\/dev\s*/, ''), verb: 'cancel', target: job.target, approvals,
    }, { text: what, blocks: [section(`This cancels job \`${job.id}\` (\`/dev ${escapeMrkdwn(job.text)}\`) of <@${job.user}>, now ${job.state}.`)] });
    const note = command.yes ? ' (`--yes` is not allowed for you here, or this environment needs a second approver.)' : '';
    return { text: `Job \`${job.id}\` belongs to <@${job.user}>: confirm the cancellation in the channel.${note}`, outcome: 'queued' };
  }
  return { text: await performCancel(job.id, { user: input.user, transport: input.transport }, deps), outcome: 'answered' };
}

/** Cancels a job now and says what happened. Shared by `/dev cancel` and its confirmation. */
export async function performCancel(jobId: string, who: { user: string; transport: Transport }, deps: CancelDeps): Promise<string> {
  const by = who.user;
  const job = await deps.queue.get(jobId);
  const result = await deps.queue.cancel(jobId, `cancelled by ${by}`);
  if (result === 'removed' && job) {
    // It never started: release the lock taken when it was requested, and record the cancellation.
    if (job.data.lockTarget) await deps.locks.release(job.data.lockTarget, jobId);
    await deps.audit.append({ event: 'job_cancelled', user: by, channel: job.data.requestedBy.channelName, transport: who.transport.kind, text: job.text, jobId, target: job.target, outcome: 'removed before it started' });
    return `Job \`${jobId}\` was cancelled before it started.`;
  }
  if (result === 'signalled') return `Cancelling job \`${jobId}\`: it stops at its next safe point, and its message will say so.`;
  if (result === 'finished') return `Job \`${jobId}\` had already finished.`;
  return `There is no job \`${jobId}\`.`;
}
