import { randomUUID } from 'node:crypto';
import { decide } from '../acl/decide.js';
import { BotError } from '../errors.js';
import { consoleApprovalRefusal } from '../jobs/confirm/console-approvals.js';
import type { PendingConfirmation } from '../ports/confirmations.js';
import type { Transport } from '../ports/queue.js';
import { renderConfirmClosed, renderConfirmRequest } from '../render/confirm.js';
import { handleCommand, type HandleDeps } from './handle-command.js';
import { decideExec } from './exec-acl.js';
import { performCancel } from './local/cancel.js';
import { cancelRemediation } from '../remediation/cancel-remediation.js';
import { recordAlertClick } from '../remediation/record-click.js';
import { principalFor } from './principal.js';
import { resolveChannel } from './resolve-channel.js';
import type { CommandReply } from './types.js';
import type { Verb } from './verbs.js';

/** A button pressed (Slack interaction, or the console's answer to a prompt). */
export interface ActionInput {
  action: 'confirm' | 'decline' | 'retry' | 'command' | 'cancel-remediation';
  /** The button's value: a confirmation id, the job id to retry, or (command) the `/dev` command text it stands for. */
  value: string;
  user: string;
  channel: string;
  channelName: string;
  transport: Transport;
  /** Set by the Slack adapter for a click through Slack Connect: why (see CommandInput.external). */
  external?: string;
  /** Unique per click (Slack's trigger_id / action_ts); a retried click reuses it. */
  requestId: string;
  /** The ts of the message the button is on (an alert's, whose thread then records the click). */
  messageTs?: string;
}

const NOT_PENDING = 'This request is no longer pending: it was already answered or it expired. Run the command again if it is still needed.';

/**
 * Confirm / Cancel / Retry. Only users the ACL allows to run the command may confirm it; where the
 * environment needs two approvals, the requester's own click does not count. Never throws.
 */
export async function handleAction(input: ActionInput, deps: HandleDeps): Promise<CommandReply> {
  const log = deps.log.child({ action: input.action, value: input.value, user: input.user });
  try {
    if (input.action === 'retry') return await retry(input, deps);
    if (input.action === 'command') return await runButtonCommand(input, deps);
    if (input.action === 'cancel-remediation') return await cancelRemediation({ ...input, attemptId: input.value }, deps);
    const pending = await deps.confirmations.get(input.value);
    if (!pending) return { text: NOT_PENDING, outcome: 'answered' };
    // Kept a little past its expiry for the expire job to close it; a click after expiresAt is too late.
    if (Date.parse(pending.expiresAt) <= deps.now().getTime()) return { text: NOT_PENDING, outcome: 'answered' };
    const channel = resolveChannel(deps.config, input);
    const principal = await principalFor(input.user, deps);
    // An exec entry may need more than `exec` (exec-acl.ts): whoever confirms it needs the same.
    const entry = pending.verb === 'exec' && pending.action.type === 'job' ? pending.action.data.payload['entry'] : undefined;
    const allowed = typeof entry === 'string'
      ? decideExec(deps.config, principal, { channel, environment: pending.environment }, entry)
      : decide(deps.config.acl, principal, { verb: pending.verb as Verb, target: pending.target, channel, environment: pending.environment });
    if (input.action === 'decline') return await decline(pending, input, allowed.allowed, deps);
    if (!allowed.allowed) {
      await auditRefusal(pending, input, deps, allowed.reason);
      return { text: `:no_entry: Only someone allowed to run \`${pending.verb}\` here may confirm it: ${allowed.reason}`, outcome: 'denied' };
    }
    return await confirm(pending, input, deps);
  } catch (e) {
    const ref = randomUUID().slice(0, 8);
    if (e instanceof BotError) return { text: `:warning: ${e.userFacing}`, outcome: 'error' };
    log.error({ err: e, ref }, 'action failed unexpectedly');
    return { text: `:warning: internal error, ref ${ref}.`, outcome: 'error' };
  }
}

async function confirm(pending: PendingConfirmation, input: ActionInput, deps: HandleDeps): Promise<CommandReply> {
  const chat = deps.chatFor(pending.transport);
  // Both identities must be Slack's where two are needed: the approver's, and the requester's (a
  // console request's "requester" is only what --as said).
  const env = { approvals: pending.approvals, consoleApprovals: deps.config.environments[pending.environment]?.consoleApprovals ?? false };
  const unchecked = consoleApprovalRefusal(pending.environment, env, input.transport) ?? consoleApprovalRefusal(pending.environment, env, pending.transport);
  if (unchecked) {
    await auditRefusal(pending, input, deps, unchecked);
    return { text: `:no_entry: ${unchecked}`, outcome: 'denied' };
  }
  if (pending.approvals > 1 && input.user === pending.requester) {
    return { text: `This needs approval from someone other than you (approvals: ${pending.approvals} in ${pending.environment}).`, outcome: 'denied' };
  }
  const approvers = await deps.confirmations.approve(pending.id, input.user);
  if (!approvers) return { text: 'This request expired before your click arrived.', outcome: 'answered' };
  const counted = approvers.filter((u) => pending.approvals === 1 || u !== pending.requester);
  const needed = pending.approvals === 1 ? 1 : pending.approvals - 1;
  await deps.audit.append({ event: 'approved', user: input.user, channel: input.channelName, transport: input.transport.kind, text: pending.text, target: pending.target, jobId: pending.action.jobId });
  if (counted.length < needed) {
    if (pending.message) await chat.update(pending.message, renderConfirmRequest({ ...pending, approvers }, pending.preview));
    return { text: `Approval recorded; ${needed - counted.length} more needed.`, outcome: 'answered' };
  }
  // Of two simultaneous final clicks only one takes it: one job, never two.
  const taken = await deps.confirmations.take(pending.id);
  if (!taken) return { text: 'Someone else answered this request first.', outcome: 'answered' };
  await deps.audit.append({ event: 'confirmed', user: input.user, channel: input.channelName, transport: input.transport.kind, text: pending.text, target: pending.target, jobId: pending.action.jobId });
  const by = counted.map((u) => `<@${u}>`).join(', ');
  if (taken.action.type === 'cancel') {
    const said = await performCancel(taken.action.jobId, { user: input.user, transport: input.transport }, deps);
    if (taken.message) await chat.update(taken.message, renderConfirmClosed(taken, `:white_check_mark: Confirmed by ${by}. ${said}`));
    return { text: said, outcome: 'answered' };
  }
  const { id } = await deps.queue.enqueue(taken.action.data, { jobId: taken.action.jobId });
  if (taken.message) await chat.update(taken.message, renderConfirmClosed(taken, `:white_check_mark: Confirmed by ${by}: running as job \`${id}\`.`));
  return { text: `Confirmed: running as job ${id}.`, jobId: id, outcome: 'queued' };
}

async function decline(pending: PendingConfirmation, input: ActionInput, allowed: boolean, deps: HandleDeps): Promise<CommandReply> {
  if (input.user !== pending.requester && !allowed) {
    await auditRefusal(pending, input, deps, 'not the requester, and not allowed to run it here');
    return { text: `:no_entry: Only <@${pending.requester}> or someone allowed to run \`${pending.verb}\` here may cancel this request.`, outcome: 'denied' };
  }
  const taken = await deps.confirmations.take(pending.id);
  if (!taken) return { text: 'This request was already answered.', outcome: 'answered' };
  if (taken.lockTarget) await deps.locks.release(taken.lockTarget, taken.action.jobId);
  if (taken.message) await deps.chatFor(taken.transport).update(taken.message, renderConfirmClosed(taken, `:no_entry_sign: Cancelled by <@${input.user}>. Nothing was done.`));
  await deps.audit.append({ event: 'declined', user: input.user, channel: input.channelName, transport: input.transport.kind, text: pending.text, target: pending.target, jobId: pending.action.jobId });
  return { text: 'Cancelled; nothing was done.', outcome: 'answered' };
}

/** A click the ACL refused is an access decision like any other: it goes to the audit trail. */
async function auditRefusal(pending: PendingConfirmation, input: ActionInput, deps: HandleDeps, reason: string): Promise<void> {
  await deps.audit.append({
    event: 'denied', user: input.user, channel: input.channelName, transport: input.transport.kind, text: pending.text, decision: 'denied',
    target: pending.target, jobId: pending.action.jobId, outcome: `${input.action} refused: ${reason}`,
  });
}

/**
 * A button that stands for a command (an alert's Recovery plan): the command runs as if the clicker
 * had typed it in that channel, through the same parse, ACL, confirmation and audit.
 */
async function runButtonCommand(input: ActionInput, deps: HandleDeps): Promise<CommandReply> {
  const reply = await handleCommand(
    { text: input.value, user: input.user, channel: input.channel, channelName: input.channelName, transport: input.transport, external: input.external, requestId: `button-${input.requestId}` },
    deps,
  );
  // On an alert, the thread says who acted (and, once its job ends, how it went); the clicker still gets the reply.
  if (input.messageTs) {
    await recordAlertClick({ user: input.user, channel: input.channel, messageTs: input.messageTs, text: input.value }, reply, deps).catch((err: unknown) =>
      deps.log.warn({ err }, 'could not record an alert button click in its thread'),
    );
  }
  return reply;
}

/** Retry runs the failed job's command again, as the clicking user, through the whole command path. */
async function retry(input: ActionInput, deps: HandleDeps): Promise<CommandReply> {
  const job = await deps.queue.get(input.value);
  if (!job) return { text: `Job \`${input.value}\` is no longer known (finished jobs are kept for a day). Run the command again.`, outcome: 'answered' };
  return handleCommand(
    {
      text: job.text, user: input.user, channel: job.data.requestedBy.channel, channelName: job.data.requestedBy.channelName,
      transport: input.transport, external: input.external, requestId: `retry-${input.requestId}`,
      // Retried where it first ran: a job started by a mention keeps to the mention's thread.
      ...(job.data.requestedBy.threadTs ? { replyInThread: job.data.requestedBy.threadTs } : {}),
    },
    deps,
  );
}
