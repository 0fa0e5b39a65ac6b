import type { Deps } from '../../deps.js';
import { AccessDeniedError } from '../../errors.js';
import type { Chat, ChatMessage } from '../../ports/chat.js';
import type { PendingConfirmation } from '../../ports/confirmations.js';
import { renderConfirmRequest } from '../../render/confirm.js';
import { consoleApprovalRefusal } from './console-approvals.js';
import { EXPIRE_CONFIRMATION_KIND } from './expire-confirmation.job.js';

/** How long a confirmation outlives its expiry, for the expire job to run late (a busy or restarting worker). */
export const EXPIRY_GRACE_MS = 60_000;

/**
 * Posts a dangerous command's preview with Confirm / Cancel, remembers it until it expires, and
 * schedules the job that marks the message expired if nobody answers. Throws AccessDeniedError for
 * a console request where two Slack-authenticated people must agree (it could never be met).
 */
export async function requestConfirmation(
  deps: Pick<Deps, 'config' | 'confirmations' | 'audit' | 'queue' | 'now'>,
  chat: Chat,
  pending: Omit<PendingConfirmation, 'approvers' | 'expiresAt' | 'message' | 'preview'>,
  preview: ChatMessage,
): Promise<PendingConfirmation> {
  const refused = consoleApprovalRefusal(pending.environment, deps.config.environments[pending.environment], pending.transport);
  if (refused) throw new AccessDeniedError(refused);
  const ttl = deps.config.jobs.confirmTimeoutMs;
  const full: PendingConfirmation = { ...pending, preview, approvers: [], expiresAt: new Date(deps.now().getTime() + ttl).toISOString() };
  // Kept past its expiry so the expire job (due at expiresAt) still finds it, says so on the
  // message and releases the lock; clicks after expiresAt are refused by the clock (handleAction).
  await deps.confirmations.create(full, ttl + EXPIRY_GRACE_MS);
  // Recorded before the buttons appear, so no answer to it can precede it in the trail.
  await deps.audit.append({ event: 'confirm_requested', user: pending.requester, channel: pending.channelName, transport: pending.transport.kind, text: pending.text, target: pending.target, jobId: pending.action.jobId });
  // In the thread the request came from (a mention's), where the requester is looking.
  const threadTs = pending.action.type === 'job' ? pending.action.data.requestedBy.threadTs : undefined;
  const message = await chat.post(pending.channel, renderConfirmRequest(full, preview), threadTs ? { threadTs } : undefined);
  await deps.confirmations.attachMessage(full.id, message);
  await deps.queue.enqueue(
    {
      kind: EXPIRE_CONFIRMATION_KIND,
      payload: { confirmationId: full.id },
      requestedBy: { user: pending.requester, channel: pending.channel, channelName: pending.channelName },
      environment: pending.environment,
      text: pending.text,
      transport: pending.transport,
      requestedAt: deps.now().toISOString(),
    },
    { jobId: `expire-${full.id}`, delayMs: ttl },
  );
  return { ...full, message };
}
