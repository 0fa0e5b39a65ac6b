import { createHash, randomUUID } from 'node:crypto';
import { decide } from '../acl/decide.js';
import type { Deps } from '../deps.js';
import { AccessDeniedError, BotError, NotAvailableError, UsageError } from '../errors.js';
import { answerCanI } from './can-i.js';
import type { Command } from './command.js';
import { GRAMMAR } from './grammar.js';
import { answerHelp } from './help.js';
import { commandEnv, commandTarget, parseCommand } from './parse.js';
import { resolveChannel, type ResolvedChannel } from './resolve-channel.js';
import type { CommandInput, CommandReply } from './types.js';

export type HandleDeps = Pick<Deps, 'config' | 'log' | 'queue' | 'now'>;

/**
 * The one path every command takes, from Slack or the console: parse → channel → ACL → answer
 * at once, or queue a job. Never throws: every failure becomes a reply the user can act on.
 */
export async function handleCommand(input: CommandInput, deps: HandleDeps): Promise<CommandReply> {
  const log = deps.log.child({ requestId: input.requestId, user: input.user, channel: input.channelName });
  try {
    const command = parseCommand(input.text);
    const channel = resolveChannel(deps.config, input.channel, input.channelName);
    const environment = commandEnv(command) ?? channel.config?.environment;
    const where = { policy: deps.config.acl, principal: { user: input.user }, channel: { id: channel.id, name: channel.name } };

    if (command.verb === 'help') return answerHelp({ ...where, environment: environment ?? '', topic: command.topic });
    if (command.verb === 'can-i') return answerCanI({ ...where, environment: environment ?? '', text: command.command });

    const env = requireEnvironment(deps, channel, environment);
    const decision = decide(deps.config.acl, where.principal, { verb: command.verb, target: commandTarget(command), channel: where.channel, environment: env });
    log.info({ verb: command.verb, target: commandTarget(command), environment: env, allowed: decision.allowed, rule: decision.rule }, 'acl decision');
    if (!decision.allowed) throw new AccessDeniedError(decision.reason);

    const spec = GRAMMAR[command.verb];
    if (spec.handling !== 'job' || !spec.jobKind) throw new NotAvailableError(command.verb);
    return await queueJob(input, command, spec.jobKind, env, deps);
  } catch (e) {
    return replyForError(e, log);
  }
}

function requireEnvironment(deps: HandleDeps, channel: ResolvedChannel, environment: string | undefined): string {
  const known = Object.keys(deps.config.environments);
  if (environment === undefined) {
    throw new AccessDeniedError(
      `devbot is not set up in #${channel.name}: ask an admin to add it under \`channels:\` in the config with a default environment, or pass --env (${known.join(', ')}).`,
    );
  }
  if (!known.includes(environment)) throw new UsageError(`Unknown environment '${environment}'. Known: ${known.join(', ')}.`);
  return environment;
}

async function queueJob(input: CommandInput, command: Command, kind: string, environment: string, deps: HandleDeps): Promise<CommandReply> {
  // Derived from the request id, so Slack's retries of one command land on the same job.
  const jobId = `${command.verb}-${createHash('sha256').update(input.requestId).digest('hex').slice(0, 10)}`;
  const { id, duplicate } = await deps.queue.enqueue(
    {
      kind,
      payload: { ...command, environment },
      requestedBy: { user: input.user, channel: input.channel, channelName: input.channelName },
      environment,
      text: input.text.replace(/^\s*\/dev\b\s*/, ''),
      transport: input.transport,
      requestedAt: deps.now().toISOString(),
    },
    { jobId },
  );
  return { text: duplicate ? `Already queued as job ${id}.` : `Queued as job ${id}.`, jobId: id, outcome: 'queued' };
}

function replyForError(e: unknown, log: HandleDeps['log']): CommandReply {
  if (e instanceof UsageError) return { text: e.usage ? `${e.userFacing}\nUsage: ${e.usage}` : e.userFacing, outcome: 'usage' };
  if (e instanceof AccessDeniedError) return { text: `:no_entry: ${e.userFacing}`, outcome: 'denied' };
  if (e instanceof NotAvailableError) return { text: e.userFacing, outcome: 'unavailable' };
  if (e instanceof BotError) {
    log.warn({ code: e.code, err: e }, 'command failed');
    return { text: `:warning: ${e.userFacing}`, outcome: 'error' };
  }
  const ref = randomUUID().slice(0, 8);
  log.error({ err: e, ref }, 'command failed unexpectedly');
  return { text: `:warning: internal error, ref ${ref}. The team can find the details in devbot's logs.`, outcome: 'error' };
}
