import { decide } from '../acl/decide.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { renderCanI } from '../render/can-i.js';
import { commandEnv, commandTarget, type Command } from './command.js';
import { echoUserText } from './echo.js';
import { decideExec } from './exec-acl.js';
import { describeWhere, type AskContext } from './help.js';
import { parseCommand } from './parse.js';
import type { CommandReply } from './types.js';

function parseAsked(text: string): Command | UsageError {
  try {
    return parseCommand(text);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
}

/**
 * `/dev can-i <command…>`: whether this user may run `text` (the command asked about, as typed)
 * here, decided exactly as running it would be: its own --env if given, else the channel's.
 * Nothing runs. A command that does not parse gets its usage error as the answer.
 */
export function answerCanI(ask: AskContext & { text: string; /** For an exec entry's own ACL (exec-acl.ts). */ environments?: Config['environments'] }): CommandReply {
  const asked = echoUserText(ask.text);
  const command = parseAsked(ask.text);
  if (command instanceof UsageError) {
    return { ...renderCanI({ kind: 'usage', asked, message: command.userFacing, usage: command.usage }), outcome: 'answered' };
  }
  const environment = commandEnv(command) ?? ask.environment;
  const decision = command.verb === 'exec' && ask.environments
    ? decideExec({ acl: ask.policy, environments: ask.environments }, ask.principal, { channel: ask.channel, environment }, command.entry)
    : decide(ask.policy, ask.principal, { verb: command.verb, target: commandTarget(command), channel: ask.channel, environment });
  const note = decision.allowed && !ask.isAvailable(command.verb)
    ? `(\`${command.verb}\` is not available yet in this version of devbot, though.)`
    : undefined;
  const where = describeWhere(ask.channel, environment);
  return { ...renderCanI({ kind: 'answer', asked, where, allowed: decision.allowed, reason: decision.reason, note }), outcome: 'answered' };
}
