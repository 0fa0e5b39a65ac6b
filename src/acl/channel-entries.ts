/**
 * How a rule's `channels:` entries are read. An entry is '*', a Slack channel id, or the name of a
 * channel configured under `channels:` (with or without '#'). Slack channel names are lowercase,
 * so an upper-case C…/G…/D… entry is an id; ids are compared only with the request's id, never
 * with a channel's name (anyone can name a channel `c0123ops`).
 */
export const isChannelId = (entry: string): boolean => /^[CGD][A-Z0-9_]+$/.test(entry);

/** A channel name as the config and Slack write it: without '#', lowercase. */
export const bareName = (channel: string): string => channel.replace(/^#/, '').toLowerCase();
