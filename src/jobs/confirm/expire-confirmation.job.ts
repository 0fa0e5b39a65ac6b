import { z } from 'zod';
import { formatWait, renderConfirmClosed } from '../../render/confirm.js';
import type { JobKind } from '../job-kind.js';

export const EXPIRE_CONFIRMATION_KIND = 'expire-confirmation';

/** Runs when a confirmation's time is up: if nobody answered, the preview says it expired and the lock goes. */
export const expireConfirmationJob: JobKind<{ confirmationId: string }> = {
  kind: EXPIRE_CONFIRMATION_KIND,
  internal: true,
  payloadSchema: z.object({ confirmationId: z.string() }),
  async run({ confirmationId }, { deps, chat }) {
    const pending = await deps.confirmations.take(confirmationId);
    if (!pending) return; // answered in time
    if (pending.lockTarget) await deps.locks.release(pending.lockTarget, pending.action.jobId);
    const within = formatWait(deps.config.jobs.confirmTimeoutMs);
    if (pending.message) await chat.update(pending.message, renderConfirmClosed(pending, `:hourglass: Expired: nobody confirmed within ${within}. Nothing was done; run the command again if it is still needed.`));
    await deps.audit.append({ event: 'expired', user: pending.requester, channel: pending.channelName, transport: pending.transport.kind, text: pending.text, target: pending.target, jobId: pending.action.jobId });
  },
};
