import { bareName, DM_ENTRY, isChannelId } from '../acl/channel-entries.js';
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

  const channelNames = new Set(Object.keys(config.channels).map(bareName));
  for (const [name, ch] of Object.entries(config.channels)) {
    if (bareName(name) === DM_ENTRY) problems.push(`channels.${name}: '${DM_ENTRY}' is reserved for direct messages with devbot; name the channel otherwise`);
    if (!envs.has(ch.environment)) {
      problems.push(`channels.${name}.environment: unknown environment '${ch.environment}' (known: ${[...envs].join(', ')})`);
    }
    if (ch.allowShared && ch.id === undefined) {
      problems.push(`channels.${name}.allowShared: needs channels.${name}.id (a shared channel matched by name could be any workspace's channel of that name)`);
    }
  }
  config.acl.rules.forEach((rule, i) => {
    const at = `acl.rules.${i} (${rule.name})`;
    // A rule names channels from `channels:` (matched by their id where they have one), or gives a Slack id.
    for (const c of rule.channels.filter((c) => c !== '*' && bareName(c) !== DM_ENTRY && !isChannelId(c) && !channelNames.has(bareName(c)))) {
      const configured = [...channelNames].join(', ') || 'none';
      problems.push(`${at}.channels: unknown channel '${c}' (define it under channels:, with its id, or give the channel's id; configured: ${configured})`);
    }
    for (const e of known(rule.environments, envs)) problems.push(`${at}.environments: unknown environment '${e}'`);
    for (const v of known(rule.verbs, verbs)) problems.push(`${at}.verbs: unknown verb '${v}' (known: ${[...verbs].join(', ')})`);
    for (const g of known(rule.groups, groups)) problems.push(`${at}.groups: unknown group '${g}' (define it under acl.groups)`);
  });
  return problems;
}
