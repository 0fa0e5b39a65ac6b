import { VERB_NAMES } from '../commands/verbs.js';
import type { Config } from './schema.js';

/**
 * Checks what one field's schema cannot: references between sections. Returns field-level
 * problems (`path: message`); empty when the config holds together.
 */
export function crossCheckConfig(config: Config): string[] {
  const problems: string[] = [];
  const envs = new Set(Object.keys(config.environments));
  const verbs = new Set<string>(VERB_NAMES);
  const groups = new Set(Object.keys(config.acl.groups));
  const known = (list: readonly string[], set: Set<string>) => list.filter((x) => x !== '*' && !set.has(x));

  for (const [name, ch] of Object.entries(config.channels)) {
    if (!envs.has(ch.environment)) {
      problems.push(`channels.${name}.environment: unknown environment '${ch.environment}' (known: ${[...envs].join(', ')})`);
    }
  }
  config.acl.rules.forEach((rule, i) => {
    const at = `acl.rules.${i} (${rule.name})`;
    for (const e of known(rule.environments, envs)) problems.push(`${at}.environments: unknown environment '${e}'`);
    for (const v of known(rule.verbs, verbs)) problems.push(`${at}.verbs: unknown verb '${v}' (known: ${[...verbs].join(', ')})`);
    for (const g of known(rule.groups, groups)) problems.push(`${at}.groups: unknown group '${g}' (define it under acl.groups)`);
  });
  return problems;
}
