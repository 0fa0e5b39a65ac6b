import { decide } from '../acl/decide.js';
import { commandTarget, parseCommand } from '../commands/parse.js';
import { resolveChannel } from '../commands/resolve-channel.js';
import type { CommandReply } from '../commands/types.js';
import type { Deps } from '../deps.js';
import type { Transport } from '../ports/queue.js';
import type { RemediationAttempt, RemediationStore } from '../ports/remediation-store.js';
import { renderAnnouncementClosed } from '../render/remediation.js';
import { cancelNote } from './advance-remediation.js';
import { updateThreads } from './tell-threads.js';

type CancelDeps = Pick<Deps, 'config' | 'audit' | 'chatFor' | 'log'> & { alertStore: Deps['alertStore']; remediation?: RemediationStore };

interface CancelClick {
  attemptId: string;
  user: string;
  channel: string;
  channelName: string;
  transport: Transport;
  external?: string;
}

async function findAttempt(id: string, deps: CancelDeps & { remediation: RemediationStore }): Promise<RemediationAttempt | undefined> {
  for (const env of Object.keys(deps.config.environments)) {
    const a = await deps.remediation.active(env);
    if (a?.id === id) return a;
  }
  return undefined;
}

/**
 * The Cancel button on an announcement: during the grace period, whoever may run the action's
 * command (or `/dev remediation`) there stops it, and nothing is done. Cancel and the end of the
 * grace period race through one atomic decision, so an action either runs or is cancelled, never both.
 */
export async function cancelRemediation(click: CancelClick, deps: CancelDeps): Promise<CommandReply> {
  if (!deps.remediation) return { text: 'Auto-remediation is not available in this devbot process.', outcome: 'unavailable' };
  const store = deps.remediation;
  const attempt = await findAttempt(click.attemptId, { ...deps, remediation: store });
  if (!attempt) return { text: 'This automatic action is no longer pending: it already ended or was cancelled.', outcome: 'answered' };
  if (attempt.phase === 'running') return { text: `Too late: the grace period ended and it runs as job \`${attempt.jobId}\`. \`/dev cancel ${attempt.jobId}\` stops the job.`, outcome: 'answered' };
  const channel = resolveChannel(deps.config, click);
  const command = parseCommand(attempt.text);
  const verb = command.verb;
  const asks = (v: typeof verb | 'remediation') => decide(deps.config.acl, { user: click.user }, { verb: v, target: commandTarget(command), channel, environment: attempt.environment });
  const allowed = [asks(verb), asks('remediation')].find((d) => d.allowed);
  const audit = { user: click.user, channel: click.channelName, transport: click.transport.kind, text: attempt.text, target: attempt.subject, rule: `alerts.rules.${attempt.rule}.remediate` };
  if (click.external || !allowed) {
    const reason = click.external ?? asks(verb).reason;
    await deps.audit.append({ event: 'denied', ...audit, decision: 'denied', outcome: `cancel of automatic action refused: ${reason}` });
    return { text: `:no_entry: Only someone allowed to run \`${verb}\` or \`remediation\` here may cancel this: ${reason}`, outcome: 'denied' };
  }
  const decided = await store.decide(attempt.id, 'cancel', click.user);
  if (decided.decision === 'run') return { text: 'Too late: the grace period ended just now and the action started.', outcome: 'answered' };
  if (decided.by !== click.user) return { text: 'This automatic action was already stopped.', outcome: 'answered' };
  const alert = (await deps.alertStore.load()).find((a) => a.key === attempt.alertKey);
  if (alert) await store.noteOnce(attempt.alertKey, cancelNote(alert), 7 * 86_400_000);
  await store.release(attempt.environment, attempt.id);
  await updateThreads(attempt.announcements, renderAnnouncementClosed(attempt, `cancelled by <@${click.user}> during the grace period. Nothing was done; devbot will not act on this alert by itself again until it resolves.`), deps);
  await deps.audit.append({ event: 'remediation_cancelled', ...audit, outcome: `cancelled during the grace period (attempt ${attempt.id})` });
  return { text: 'Cancelled: nothing was done.', outcome: 'answered' };
}
