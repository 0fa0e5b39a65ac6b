import type { IsAvailable } from './availability.js';
import { allowedVerbs, decide, type AclChannel, type Principal } from '../acl/decide.js';
import type { AclPolicy } from '../acl/policy.js';
import { renderHelp, type HelpEntry } from '../render/help.js';
import { echoUserText } from './echo.js';
import { GRAMMAR, type VerbSpec } from './grammar.js';
import type { CommandReply } from './types.js';
import type { Verb } from './verbs.js';

export interface AskContext {
  policy: AclPolicy;
  principal: Principal;
  /** Where the asker is, resolved against `channels:` (see commands/resolve-channel.ts). */
  channel: AclChannel;
  /** The channel's environment ('' when the channel has none set up). */
  environment: string;
  /** Which verbs this process can run (job verbs need their job kind registered). */
  isAvailable: IsAvailable;
}

/** "#ops (environment prod)", as help and can-i say where their answer holds. */
export function describeWhere(channel: AskContext['channel'], environment: string): string {
  const name = `#${echoUserText(channel.name || channel.id).replace(/^#/, '')}`;
  return environment === '' ? `${name} (no environment set up here)` : `${name} (environment ${environment})`;
}

const entryOf = (spec: VerbSpec, isAvailable: IsAvailable): HelpEntry => ({ usage: spec.usage, summary: spec.summary, available: isAvailable(spec.verb) });

/** Everyone may run these (see acl/decide.ts), so they do not count as access to devbot. */
const ALWAYS: ReadonlySet<Verb> = new Set<Verb>(['help', 'can-i']);

/**
 * `/dev help [verb]`: the verbs this user may run here (never the others: help answers "what can
 * I do", and the full grammar is one `help <verb>` away), or one verb's usage and examples.
 * Allowed verbs that are not built yet are named in one line rather than listed as if usable.
 */
export function answerHelp(ask: AskContext & { topic?: Verb }): CommandReply {
  const where = describeWhere(ask.channel, ask.environment);
  const here = { channel: ask.channel, environment: ask.environment };
  if (ask.topic) {
    const spec = GRAMMAR[ask.topic];
    const access = decide(ask.policy, ask.principal, { verb: ask.topic, ...here });
    return { ...renderHelp({ kind: 'verb', where, entry: entryOf(spec, ask.isAvailable), examples: spec.examples, access }), outcome: 'answered' };
  }
  const verbs = allowedVerbs(ask.policy, ask.principal, here);
  const message = verbs.every((v) => ALWAYS.has(v))
    ? renderHelp({ kind: 'nothing', where, user: echoUserText(ask.principal.user) })
    : renderHelp({
        kind: 'list',
        where,
        entries: verbs.map((v) => entryOf(GRAMMAR[v], ask.isAvailable)).filter((e) => e.available),
        notYet: verbs.filter((v) => !ask.isAvailable(v)),
      });
  return { ...message, outcome: 'answered' };
}
