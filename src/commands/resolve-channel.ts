import { DM_ENTRY } from '../acl/channel-entries.js';
import type { AclChannel } from '../acl/decide.js';
import type { ChannelConfig, Config } from '../config/schema.js';
import type { Transport } from '../ports/queue.js';

export interface ResolvedChannel extends AclChannel {
  config?: ChannelConfig;
}

/** Where a command or a click came from, as CommandInput and ActionInput say it. */
export interface ChannelOfRequest {
  channel: string;
  channelName: string;
  transport: Transport;
  /** Why the request comes through Slack Connect, if it does (passed on for the ACL). */
  external?: string;
  /** A direct message with devbot (Slack `channel_type: im`): the ACL sees the channel `dm`. */
  directMessage?: boolean;
}

/**
 * Finds the channel's config: by Slack id first; by name (with or without '#') only for an entry
 * that has no id, so a Slack channel merely named like a configured one (another channel, or
 * another workspace's) is not it. The console has no Slack channel: its `--in` names a configured
 * channel by its key (or gives its id).
 */
export function resolveChannel(config: Config, from: ChannelOfRequest): ResolvedChannel {
  const { channel: id, external } = from;
  // A DM is no configured channel, whatever a channel entry is called or whichever id it has.
  if (from.directMessage) return { id, name: DM_ENTRY, external, directMessage: true };
  const bare = from.channelName.replace(/^#/, '');
  const byId = Object.entries(config.channels).find(([, c]) => c.id !== undefined && c.id === id);
  const byName = config.channels[bare];
  const nameCounts = byName !== undefined && (byName.id === undefined || from.transport.kind === 'console');
  const match = byId ?? (nameCounts ? ([bare, byName] as const) : undefined);
  if (!match) return { id, name: bare, external };
  const [key, channel] = match;
  return { id, name: key, configured: key, config: channel, external, allowShared: channel.allowShared };
}
