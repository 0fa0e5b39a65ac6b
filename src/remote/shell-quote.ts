/**
 * The command line for an SSH exec channel. The channel always goes through the remote user's
 * shell, so each argv element is wrapped in single quotes (inside which a POSIX shell interprets
 * nothing) and each `'` inside becomes `'\''`.
 */
export function quoteArgv(argv: string[]): string {
  return argv.map(quoteWord).join(' ');
}

export function quoteWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
