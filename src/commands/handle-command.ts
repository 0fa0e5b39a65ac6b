import { createHash, randomUUID } from 'node:crypto';
import { decide, type Decision } from '../acl/decide.js';
import { sharedChannelRefusal } from '../acl/shared-channel.js';
import type { Deps } from '../deps.js';
import { AccessDeniedError, BotError, ConflictError, NotAvailableError, UsageError } from '../errors.js';
import { consoleApprovalRefusal } from '../jobs/confirm/console-approvals.js';
import { EnqueueUnconfirmedError, type JobData } from '../ports/queue.js';
import { formatWait } from '../render/confirm.js';
import { availabilityFor } from './availability.js';
import { busyNote } from './busy-note.js';
import { answerCanI } from './can-i.js';
import { decideExec } from './exec-acl.js';
import type { Command } from './command.js';
import { lockTargetOf, maySkipConfirmation, needsConfirmation } from './confirmation-policy.js';
import { GRAMMAR } from './grammar.js';
import { answerHelp } from './help.js';
import { answerAlerts, answerSilence } from './local/alerts.js';
import { answerCancel } from './local/cancel.js';
import { answerRemediation } from './local/remediation.js';
import { answerAudit, answerJobs, answerLocks } from './local/list-verbs.js';
import { quoteUserText } from './echo.js';
import { commandEnv, commandTarget, parseCommand } from './parse.js';
import { principalFor } from './principal.js';
import { resolveChannel, type ResolvedChannel } from './resolve-channel.js';
import { withThreadSubject } from './thread-subject.js';
import type { CommandInput, CommandReply } from './types.js';

export type HandleDeps = Pick<Deps, 'config' | 'log' | 'queue' | 'now' | 'locks' | 'audit' | 'confirmations' | 'jobState' | 'chatFor' | 'jobKinds' | 'metrics' | 'alertStore' | 'usergroups' | 'remediation' | 'slackBusy'>;

/**
 * The one path every command takes, from Slack or the console: parse → channel → ACL → answer
 * at once, or lock, confirm and queue a job. Never throws: every failure becomes a reply.
 */
export async function handleCommand(typed: CommandInput, deps: HandleDeps): Promise<CommandReply> {
  const input = typed.threadTs ? { ...typed, text: await withThreadSubject(typed, deps) } : typed;
  const log = deps.log.child({ requestId: input.requestId, user: input.user, channel: input.channelName });
  let verb = 'unknown';
  const reply = await decideAndRun(input, deps, log, (v) => (verb = v)).catch((e: unknown) => replyForError(e, log));
  deps.metrics.commandHandled(verb, reply.outcome);
  return reply;
}

async function decideAndRun(input: CommandInput, deps: HandleDeps, log: HandleDeps['log'], noteVerb: (v: string) => void): Promise<CommandReply> {
  const command = parseCommand(input.text);
  noteVerb(command.verb);
  const channel = resolveChannel(deps.config, input);
  const outside = sharedChannelRefusal(channel);
  if (outside) {
    // Before anything else, help included: a Slack Connect channel may be another workspace's.
    await deps.audit.append({ event: 'denied', user: input.user, channel: channel.name, transport: input.transport.kind, text: input.text.replace(/^\s*\/dev\b\s*/, ''), decision: 'denied', outcome: input.external })
      .catch((err: unknown) => log.error({ err }, 'could not write the audit entry'));
    throw new AccessDeniedError(outside);
  }
  const environment = commandEnv(command) ?? channel.config?.environment;
  const isAvailable = availabilityFor(deps.jobKinds);
  const where = { policy: deps.config.acl, principal: await principalFor(input.user, deps), channel, isAvailable };

  if (command.verb === 'help' || command.verb === 'can-i') {
    // Answered for anyone (they reveal only the asker's own permissions), and audited like the rest.
    // Help must answer even with Redis down: a lost audit entry is logged, not the reply.
    await deps.audit.append({ event: 'command', user: input.user, channel: channel.name, transport: input.transport.kind, text: input.text.replace(/^\s*\/dev\b\s*/, ''), decision: 'allowed' })
      .catch((err: unknown) => log.error({ err, verb: command.verb }, 'could not write the audit entry'));
    return command.verb === 'help'
      ? answerHelp({ ...where, environment: environment ?? '', topic: command.topic })
      : answerCanI({ ...where, environment: environment ?? '', text: command.command, environments: deps.config.environments });
  }

  const env = requireEnvironment(deps, channel, environment);
  const target = commandTarget(command);
  const decision = command.verb === 'exec'
    ? decideExec(deps.config, where.principal, { channel: where.channel, environment: env }, command.entry)
    : decide(deps.config.acl, where.principal, { verb: command.verb, target, channel: where.channel, environment: env });
  const text = input.text.replace(/^\s*\/dev\b\s*/, '');
  log.info({ verb: command.verb, target, environment: env, allowed: decision.allowed, rule: decision.rule, usergroup: decision.usergroup }, 'acl decision');
  // Written alongside the work rather than before it: one round trip on the ack path, not two.
  const [audited, reply] = await Promise.allSettled([
    // A cancel is no ACL target of its own, but the audit files it under the job it names.
    deps.audit.append({ event: decision.allowed ? 'command' : 'denied', user: input.user, channel: channel.name, transport: input.transport.kind, text, decision: decision.allowed ? 'allowed' : 'denied', rule: decision.rule, target: command.verb === 'cancel' ? command.job : target }),
    answer(command, { input, text, env, target, decision, isAvailable }, deps),
  ]);
  // The work is done (a job may be queued): a lost audit entry is logged loudly, not hidden behind a failed reply.
  if (audited.status === 'rejected') log.error({ err: audited.reason, verb: command.verb }, 'could not write the audit entry');
  if (reply.status === 'rejected') throw reply.reason;
  return reply.value;
}

interface Decided {
  input: CommandInput;
  text: string;
  env: string;
  target: string | undefined;
  decision: Decision;
  isAvailable: (verb: Command['verb']) => boolean;
}

async function answer(command: Command, d: Decided, deps: HandleDeps): Promise<CommandReply> {
  const { input, text, env, decision } = d;
  if (!decision.allowed) throw new AccessDeniedError(decision.reason);
  if (!d.isAvailable(command.verb)) throw new NotAvailableError(command.verb);

  const envConfig = deps.config.environments[env]!;
  const maySkip = maySkipConfirmation(deps.config.acl, decision.rule, envConfig);
  switch (command.verb) {
    case 'jobs':
      return answerJobs(command, deps);
    case 'locks':
      return answerLocks(deps);
    case 'audit':
      return answerAudit(command, deps);
    case 'cancel':
      return answerCancel(command, input, { environment: env, maySkipConfirmation: maySkip, deps });
    case 'alerts':
      return answerAlerts(deps);
    case 'silence':
      return answerSilence(command, input, deps);
    case 'remediation':
      return answerRemediation(command, input, env, deps);
    default:
      return submitJob({ input, command, text, environment: env, decision, maySkip }, deps);
  }
}

function requireEnvironment(deps: HandleDeps, channel: ResolvedChannel, environment: string | undefined): string {
  const known = Object.keys(deps.config.environments);
  if (environment === undefined && channel.directMessage) {
    throw new UsageError(`A direct message has no default environment: pass --env (${known.join(', ')}).`);
  }
  if (environment === undefined) {
    throw new AccessDeniedError(
      `devbot is not set up in #${channel.name}: ask an admin to add it under \`channels:\` in the config with a default environment, or pass --env (${known.join(', ')}).`,
    );
  }
  if (!known.includes(environment)) throw new UsageError(`Unknown environment '${environment}'. Known: ${known.join(', ')}.`);
  return environment;
}

interface Submission {
  input: CommandInput;
  command: Command;
  text: string;
  environment: string;
  decision: Decision;
  maySkip: boolean;
}

/** Takes the target's lock, then queues the job — or, for a dangerous command, its preview for confirmation. */
async function submitJob(s: Submission, deps: HandleDeps): Promise<CommandReply> {
  const { input, command, environment } = s;
  // Derived from the request id, so Slack's retries of one command land on the same job and lock.
  const runJobId = `${command.verb}-${createHash('sha256').update(input.requestId).digest('hex').slice(0, 10)}`;
  const lockTarget = lockTargetOf(command, environment);
  const data: JobData = {
    kind: GRAMMAR[command.verb].jobKind!,
    payload: { ...command, environment },
    requestedBy: { user: input.user, channel: input.channel, channelName: input.channelName, ...(input.replyInThread ? { threadTs: input.replyInThread } : {}), ...(input.responseUrl ? { responseUrl: input.responseUrl } : {}) },
    environment,
    text: s.text,
    target: commandTarget(command),
    lockTarget,
    transport: input.transport,
    requestedAt: deps.now().toISOString(),
  };
  if (lockTarget) {
    // Held from the request on (through any confirmation), so a second request is refused at once.
    const got = await deps.locks.acquire({ target: lockTarget, jobId: runJobId, user: input.user, since: data.requestedAt, text: s.text }, deps.config.jobs.confirmTimeoutMs + 60_000);
    if (!got.acquired) {
      const h = got.holder;
      throw new ConflictError(`\`${lockTarget}\` is busy: <@${h.user}> holds it since ${h.since.slice(11, 19)} UTC with job \`${h.jobId}\` (${quoteUserText(`/dev ${h.text}`)}). Try again when it is done; \`/dev locks\` lists the locks.`);
    }
  }
  try {
    const confirm = needsConfirmation(command, deps.config.environments[environment]!);
    const yes = 'yes' in command && command.yes;
    if (confirm && !(yes && s.maySkip)) {
      const fromConsole = consoleApprovalRefusal(environment, deps.config.environments[environment]!, input.transport);
      if (fromConsole) {
        const channel = resolveChannel(deps.config, input).name;
        await deps.audit.append({ event: 'denied', user: input.user, channel, transport: input.transport.kind, text: s.text, decision: 'denied', target: data.target, outcome: 'console request where two Slack approvals are needed' });
        throw new AccessDeniedError(fromConsole);
      }
      const preview = await deps.queue.enqueue({ ...data, phase: 'preview', runJobId }, { jobId: `${runJobId}-preview` });
      const note = yes ? ' (`--yes` is not allowed for you here, or this environment needs a second approver.)' : '';
      return { text: `Preparing a preview of \`/dev ${s.text}\`: confirm it in the channel within ${formatWait(deps.config.jobs.confirmTimeoutMs)}.${note}`, jobId: preview.id, outcome: 'queued' };
    }
    const { id, duplicate } = await deps.queue.enqueue(data, { jobId: runJobId });
    if (duplicate && lockTarget) await releaseIfFinished(lockTarget, id, deps);
    // From serve's in-memory view of the Slack budget: no round trip on the ack path.
    const busy = input.transport.kind === 'slack' && !duplicate ? deps.slackBusy?.busyIn(input.channel) : undefined;
    return { text: duplicate ? `Already queued as job ${id}.` : `Queued as job ${id}.${busyNote(busy)}`, jobId: id, outcome: 'queued' };
  } catch (e) {
    if (e instanceof EnqueueUnconfirmedError) return replyUnconfirmed(e, lockTarget ? { target: lockTarget, jobId: runJobId } : undefined, deps);
    if (lockTarget) await deps.locks.release(lockTarget, runJobId).catch(() => undefined);
    throw e;
  }
}

/**
 * How long a target stays locked for a job whose enqueue went unconfirmed: time enough for a job
 * that landed to start and take the lock over, short enough that one that never landed does not
 * block the target for the whole confirmation window.
 */
export const UNCONFIRMED_LOCK_MS = 2 * 60_000;

/**
 * Redis did not confirm the enqueue, so the job may be queued and may run. Its lock is kept (not
 * released, as after a refusal): a retry of the command is then the same request (same job id,
 * no second job) or is refused as busy, naming the job.
 */
async function replyUnconfirmed(e: EnqueueUnconfirmedError, lock: { target: string; jobId: string } | undefined, deps: HandleDeps): Promise<CommandReply> {
  if (lock) await deps.locks.refresh(lock.target, lock.jobId, UNCONFIRMED_LOCK_MS).catch(() => undefined);
  const held = lock
    ? ` \`${lock.target}\` stays locked for it, so running the command again starts no second job; if it never arrived, the lock frees itself within ${formatWait(UNCONFIRMED_LOCK_MS)}.`
    : '';
  return { text: `:warning: Redis did not confirm in time that job \`${e.jobId}\` was queued. It may have been queued, and may run: \`/dev jobs\` will show it if it was.${held}`, outcome: 'error' };
}

/**
 * A late Slack retry of a command whose job already ended re-took that job's lock above; give it
 * back, or the next request for the target would be refused as busy for minutes.
 */
async function releaseIfFinished(lockTarget: string, jobId: string, deps: HandleDeps): Promise<void> {
  const job = await deps.queue.get(jobId);
  if (!job || job.state === 'completed' || job.state === 'failed') await deps.locks.release(lockTarget, jobId);
}

function replyForError(e: unknown, log: HandleDeps['log']): CommandReply {
  if (e instanceof UsageError) return { text: e.usage ? `${e.userFacing}\nUsage: ${e.usage}` : e.userFacing, outcome: 'usage' };
  if (e instanceof AccessDeniedError) return { text: `:no_entry: ${e.userFacing}`, outcome: 'denied' };
  if (e instanceof NotAvailableError) return { text: e.userFacing, outcome: 'unavailable' };
  if (e instanceof ConflictError) return { text: `:lock: ${e.userFacing}`, outcome: 'error' };
  if (e instanceof BotError) {
    log.warn({ code: e.code, err: e }, 'command failed');
    return { text: `:warning: ${e.userFacing}`, outcome: 'error' };
  }
  const ref = randomUUID().slice(0, 8);
  log.error({ err: e, ref }, 'command failed unexpectedly');
  return { text: `:warning: internal error, ref ${ref}. The team can find the details in devbot's logs.`, outcome: 'error' };
}
