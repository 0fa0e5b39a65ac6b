import { lockTargetOf } from '../commands/confirmation-policy.js';
import { GRAMMAR } from '../commands/grammar.js';
import { commandTarget, parseCommand } from '../commands/parse.js';
import type { Deps } from '../deps.js';
import { ConflictError, NotAvailableError } from '../errors.js';
import type { JobData } from '../ports/queue.js';
import type { RemediationAttempt } from '../ports/remediation-store.js';
import { AUTO_USER } from '../render/remediation.js';

export type AutoJobDeps = Pick<Deps, 'config' | 'queue' | 'locks' | 'audit' | 'now' | 'jobKinds'>;

/**
 * Queues the attempt's command as `devbot (auto)`: parsed as typed, with the same lock a person's
 * command takes, and audited with the alert rule that triggered it. The opt-in config is the
 * permission, so there is no ACL decision and no confirmation; the announcement and its grace
 * period stand in for the confirmation. Throws ConflictError when a person holds the target's
 * lock, NotAvailableError when this devbot lacks the job kind. Returns the job id.
 */
export async function startAutoJob(attempt: RemediationAttempt, deps: AutoJobDeps): Promise<string> {
  const command = parseCommand(attempt.text);
  const kind = GRAMMAR[command.verb].jobKind;
  if (!kind || !deps.jobKinds[kind]) throw new NotAvailableError(command.verb);
  const environment = attempt.environment;
  const jobId = `auto-${attempt.id}`;
  const lockTarget = lockTargetOf(command, environment);
  const home = attempt.threads[0];
  const data: JobData = {
    kind,
    payload: { ...command, environment },
    requestedBy: { user: AUTO_USER, channel: home?.ref.channel ?? '', channelName: home?.name ?? home?.ref.channel ?? '' },
    environment,
    text: attempt.text,
    target: commandTarget(command),
    lockTarget,
    transport: home?.transport ?? { kind: 'slack' },
    requestedAt: deps.now().toISOString(),
  };
  if (lockTarget) {
    const got = await deps.locks.acquire({ target: lockTarget, jobId, user: AUTO_USER, since: data.requestedAt, text: attempt.text }, deps.config.jobs.confirmTimeoutMs + 60_000);
    if (!got.acquired && got.holder.jobId !== jobId) throw new ConflictError(`\`${lockTarget}\` is busy: <@${got.holder.user}> holds it with job \`${got.holder.jobId}\``);
  }
  try {
    await deps.audit.append({
      event: 'command', user: AUTO_USER, channel: data.requestedBy.channelName, transport: data.transport.kind, text: attempt.text, decision: 'allowed',
      rule: `alerts.rules.${attempt.rule}.remediate`, target: data.target, jobId, outcome: `automatic ${attempt.action} for alert ${attempt.alertKey}`,
    });
    await deps.queue.enqueue(data, { jobId });
  } catch (e) {
    if (lockTarget) await deps.locks.release(lockTarget, jobId).catch(() => undefined);
    throw e;
  }
  return jobId;
}
