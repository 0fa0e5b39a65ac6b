import { UsageError } from '../errors.js';
import { OVERVIEW_USAGE } from './grammar.js';

/** Longer than any real command; keeps parsing, logging and echoing bounded. */
export const MAX_COMMAND_LENGTH = 1000;

/** Tab and line breaks come from pasting; they separate words like a space does. */
const WHITESPACE_CONTROLS = new Set(['\t', '\n', '\r']);

/** The invisible characters people meet in practice, by name; the rest show as U+XXXX. */
const INVISIBLE_NAMES: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

export function formatCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Characters as people count them: an emoji is one, not two UTF-16 units. */
function countCodePoints(text: string): number {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

function checkLength(text: string): void {
  // UTF-16 length bounds the code point count from above: most texts need no counting.
  if (text.length <= MAX_COMMAND_LENGTH) return;
  const length = countCodePoints(text);
  if (length > MAX_COMMAND_LENGTH) {
    throw new UsageError(
      `That command is ${length.toLocaleString('en-US')} characters long; the limit is ${MAX_COMMAND_LENGTH.toLocaleString('en-US')}.`,
      OVERVIEW_USAGE,
    );
  }
}

/**
 * Refuses control characters and invisible formatting characters (zero-width, bidi overrides):
 * they make a command read differently from what it does. The message names the code point and
 * never the character itself, so the reply cannot carry it back.
 */
function checkCharacters(text: string): void {
  let position = 0;
  for (const ch of text) {
    position += 1;
    const cp = ch.codePointAt(0) ?? 0;
    if (/\p{Cc}/u.test(ch) && !WHITESPACE_CONTROLS.has(ch)) {
      throw new UsageError(
        `That command contains a control character (${formatCodePoint(cp)}) at position ${position}. Retype it without it.`,
        OVERVIEW_USAGE,
      );
    }
    if (/\p{Cf}/u.test(ch)) {
      const name = INVISIBLE_NAMES[cp];
      throw new UsageError(
        `That command contains an invisible character (${formatCodePoint(cp)}${name ? ` ${name}` : ''}) at position ${position}. ` +
          'Characters like this can make a command read differently from what it does, so devbot refuses them; retype the command.',
        OVERVIEW_USAGE,
      );
    }
  }
}

/**
 * Checks the raw text and returns it NFKC-normalised, so that full-width letters, ligatures and
 * non-breaking spaces (which phones and chat clients produce) read as their plain forms.
 * Throws UsageError.
 */
export function cleanCommandText(raw: string): string {
  checkLength(raw);
  checkCharacters(raw);
  const normalised = raw.normalize('NFKC');
  // NFKC can expand (one ligature can become 18 characters), so the bound holds afterwards too.
  checkLength(normalised);
  checkCharacters(normalised);
  return normalised;
}
