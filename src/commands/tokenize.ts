import { UsageError } from '../errors.js';
import { OVERVIEW_USAGE } from './grammar.js';

export interface Token {
  value: string;
  /** Some part was quoted: the token is literal text, never a flag. */
  quoted: boolean;
  /** Offset of the token's first character in the text tokenized. */
  start: number;
}

/**
 * Opening quote → the characters that close it. Chat clients and phones "smarten" quotes, so the
 * curly forms count, and either curly quote closes a curly pair (clients disagree on which is
 * which).
 */
const QUOTES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '“': '”“',
  '”': '”“',
  '„': '”“',
  '‘': '’‘',
  '’': '’‘',
};

/** Slack's and macOS's autocorrect turn a typed `--` into one of these. */
const DASHES = new Set(['—', '–']);

/**
 * Splits command text into words: whitespace separates, quotes group (and are removed, as in a
 * shell; no backslash escapes), and an unquoted leading em or en dash reads as `--`.
 * Throws UsageError for a quote that is never closed.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let current: Token | undefined;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/u.test(ch)) {
      if (current) tokens.push(current);
      current = undefined;
      i += 1;
      continue;
    }
    current ??= { value: '', quoted: false, start: i };
    const closers = QUOTES[ch];
    if (closers !== undefined) {
      let end = i + 1;
      while (end < text.length && !closers.includes(text[end] ?? '')) end += 1;
      if (end >= text.length) {
        const position = Array.from(text.slice(0, i)).length + 1;
        throw new UsageError(`The quote at position ${position} is never closed.`, OVERVIEW_USAGE);
      }
      current.value += text.slice(i + 1, end);
      current.quoted = true;
      i = end + 1;
      continue;
    }
    current.value += current.value === '' && !current.quoted && DASHES.has(ch) ? '--' : ch;
    i += 1;
  }
  if (current) tokens.push(current);
  return tokens;
}
