import type { ExecEntry } from '../config/remote-schema.js';
import { UsageError } from '../errors.js';

/**
 * The argv for an allow-listed entry with the user's arguments filled in: `argv` with `{name}`
 * replaced, each value first matched whole against its pattern. Runs before any connection, so a
 * command outside the list or a bad argument never reaches a machine. UsageError says why.
 */
export function resolveExec(allowList: Record<string, ExecEntry>, name: string, args: string[]): string[] {
  const entry = Object.hasOwn(allowList, name) ? allowList[name] : undefined;
  if (!entry) {
    const known = Object.keys(allowList);
    throw new UsageError(`\`${name}\` is not an allowed command here. ${known.length ? `Allowed: ${known.join(', ')}.` : 'No commands are allowed (environments.<env>.remote.exec).'}`);
  }
  const names = Object.keys(entry.args);
  if (args.length !== names.length) {
    throw new UsageError(`\`${name}\` takes ${names.length ? names.map((n) => `<${n}>`).join(' ') : 'no arguments'}; got ${args.length}.`);
  }
  const values = new Map<string, string>();
  names.forEach((argName, i) => {
    const value = args[i] as string;
    if (!new RegExp(`^(?:${entry.args[argName]})$`).test(value)) {
      throw new UsageError(`\`${value}\` is not a valid <${argName}> for \`${name}\` (it must match ${entry.args[argName]}).`);
    }
    values.set(argName, value);
  });
  return entry.argv.map((word) => word.replace(/\{([a-z][a-z0-9-]*)\}/g, (_m, n: string) => values.get(n) ?? ''));
}
