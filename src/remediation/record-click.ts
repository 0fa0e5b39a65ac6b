import type { Deps } from '../deps.js';
import type { AlertState } from '../ports/alert-store.js';
import type { RemediationStore } from '../ports/remediation-store.js';
import type { CommandReply } from '../commands/types.js';
import { renderClickNote } from '../render/remediation.js';
import { tellThreads } from './tell-threads.js';

type ClickDeps = Pick<Deps, 'chatFor' | 'log' | 'now'> & { alertStore: Deps['alertStore']; remediation?: RemediationStore };

/** Which of the alert's buttons ran `text` (Status is a look, not an act, and is not recorded). */
function labelOf(alert: AlertState, text: string): string | undefined {
  if (alert.command?.text === text) return alert.command.label;
  if (text.startsWith('silence ')) return 'Silence 1h';
  return undefined;
}

/**
 * A click on an alert's button that acts (Replace machine, Restart unit, Silence 1h): the alert's
 * thread records who pressed it and what came of it, and a job it queued is followed until it ends.
 * A click the ACL refused is answered to the clicker only.
 */
export async function recordAlertClick(click: { user: string; channel: string; messageTs: string; text: string }, reply: CommandReply, deps: ClickDeps): Promise<void> {
  if (reply.outcome !== 'queued' && reply.outcome !== 'answered') return;
  const alerts = await deps.alertStore.load();
  const alert = alerts.find((a) => a.messages.some((m) => m.ref.channel === click.channel && m.ref.ts === click.messageTs));
  const label = alert && labelOf(alert, click.text);
  if (!alert || !label) return;
  const message = alert.messages.find((m) => m.ref.channel === click.channel && m.ref.ts === click.messageTs)!;
  const threads = [{ transport: message.transport, ref: message.ref, name: message.channel }];
  await tellThreads(threads, renderClickNote(click.user, label, click.text, reply.text), deps);
  if (reply.outcome === 'queued' && reply.jobId && deps.remediation) {
    await deps.remediation.follow({ jobId: reply.jobId, text: click.text, user: click.user, threads, awaitingConfirmation: reply.jobId.endsWith('-preview'), since: deps.now().toISOString() });
  }
}
