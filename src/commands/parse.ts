import { UsageError } from '../errors.js';
import { BUILDERS } from './build-command.js';
import { cleanCommandText } from './clean-text.js';
import { commandSchema, type Command } from './command.js';
import { quoteUserText } from './echo.js';
import { GRAMMAR, OVERVIEW_USAGE } from './grammar.js';
import { readArgs } from './read-args.js';
import { suggestNearest } from './suggest.js';
import { tokenize, type Token } from './tokenize.js';
import { VERB_NAMES, isVerb, type Verb } from './verbs.js';

// What locks and the ACL key on; they live with the Command type, re-exported for callers of parse.
export { commandEnv, commandTarget } from './command.js';

/** People paste the whole slash command, or type it in the console out of habit. */
function dropSlashDev(tokens: Token[]): Token[] {
  const first = tokens[0];
  return first && !first.quoted && first.value.toLowerCase() === '/dev' ? tokens.slice(1) : tokens;
}

function readVerb(token: Token): Verb {
  const word = token.value.toLowerCase();
  if (isVerb(word)) return word;
  if (!token.quoted && word.startsWith('-')) {
    throw new UsageError(
      `Start with a command, then its flags (as in \`/dev status --env prod\`); ${quoteUserText(token.value)} is a flag.`,
      OVERVIEW_USAGE,
    );
  }
  const near = suggestNearest(word, VERB_NAMES);
  throw new UsageError(
    `${word === '' ? 'An empty word' : quoteUserText(token.value)} is not a devbot command.${near ? ` Did you mean \`${near}\`?` : ''} ` +
      `Commands: ${VERB_NAMES.join(', ')}.`,
    OVERVIEW_USAGE,
  );
}

/** can-i keeps the rest of the line as typed: its flags belong to the command it asks about. */
function readCanI(text: string, rest: readonly Token[]): Command {
  const first = rest[0];
  if (!first) {
    throw new UsageError('`can-i` needs the command to check, as in `/dev can-i deploy gerrit`.', GRAMMAR['can-i'].usage);
  }
  return commandSchema.parse({ verb: 'can-i', command: text.slice(first.start).trim() });
}

/**
 * Reads what a user typed after `/dev` (a leading `/dev` is accepted) into a Command. Empty text
 * means `help`. Throws UsageError with a message saying what is wrong and the usage line to show;
 * any user text it quotes is sanitised and cut short.
 */
export function parseCommand(text: string): Command {
  const clean = cleanCommandText(text);
  const [first, ...rest] = dropSlashDev(tokenize(clean));
  if (!first) return { verb: 'help' };
  const verb = readVerb(first);
  if (verb === 'can-i') return readCanI(clean, rest);
  const args = readArgs(GRAMMAR[verb], rest);
  // The builders are typed to the schema; parsing again keeps the runtime contract honest too.
  return commandSchema.parse(BUILDERS[verb](args));
}
