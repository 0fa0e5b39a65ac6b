/**
 * How a rule's `channels:` entries are read. An entry is '*', a Slack channel id, or the name of a
 * channel configured under `channels:` (with or without '#'). Slack channel names are lowercase,
 * so an upper-case C…/G…/D… entry is an id; ids are compared only with the request's id, never
 * with a channel's name (anyone can name a channel `c0123ops`).
 */
export const isChannelId = (entry: string): boolean => /^[CGD][A-Z0-9_]+$/.test(entry);

/** A channel name as the config and Slack write it: without '#', lowercase. */
export const bareName = (channel: string): string => channel.replace(/^#/, '').toLowerCase();

/**
 * The rule entry for direct messages with devbot. DMs are no channel of the config and '*' does
 * not cover them: a rule allows them only by naming this entry (`channels: [dm]`).
 */
export const DM_ENTRY = 'dm';
