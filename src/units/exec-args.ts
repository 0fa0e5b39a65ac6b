/**
 * Writing command lines for systemd's Exec*= settings: `%` starts a specifier and `$` a variable
 * there, so both are doubled in text that must arrive literally; words with spaces or quotes are
 * double-quoted with C escapes, as systemd splits them.
 */

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One literal argument. */
export function execArg(value: string): string {
  const escaped = value.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (escaped !== '' && PLAIN.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An argument that carries a systemd specifier on purpose (`gerrit-%i`): only `$` is escaped. */
export function execArgWithSpecifier(value: string): string {
  return value.replace(/\$/g, '$$$$');
}
