import type { ChannelConfig, Config } from '../config/schema.js';

export interface ResolvedChannel {
  id: string;
  name: string;
  config?: ChannelConfig;
}

/** Finds the channel's config: by Slack id first, else by name (with or without '#'). */
export function resolveChannel(config: Config, id: string, name: string): ResolvedChannel {
  const bare = name.replace(/^#/, '');
  const byId = Object.entries(config.channels).find(([, c]) => c.id !== undefined && c.id === id);
  const byName = config.channels[bare];
  const match = byId ?? (byName && !byName.id ? ([bare, byName] as const) : undefined);
  return match ? { id, name: match[0], config: match[1] } : { id, name: bare };
}
