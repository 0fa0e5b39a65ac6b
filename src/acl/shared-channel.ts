/**
 * Slack Connect: a request from another workspace, or in a channel shared with another
 * organisation, is refused unless the channel's config allows it. Names and ids of channels are
 * only unique within a workspace, and whatever devbot posts in a shared channel is read by the
 * other organisation too.
 */
export interface SharedChannelInfo {
  /** The channel's key under `channels:` when it is a configured one. */
  configured?: string;
  /** Set when the request came through Slack Connect: why it counts as from outside. */
  external?: string;
  /** `channels.<name>.allowShared`: Slack Connect requests are accepted in this channel. */
  allowShared?: boolean;
}

/** Why the request is refused as coming from outside devbot's workspace; undefined when it is not. */
export function sharedChannelRefusal(channel: SharedChannelInfo): string | undefined {
  if (channel.external === undefined || channel.allowShared) return undefined;
  const how = channel.configured ? `\`channels.${channel.configured}.allowShared: true\`` : 'configure it by id with `allowShared: true`';
  return `devbot does not take commands from outside its own Slack workspace: ${channel.external}. (A channel meant for Slack Connect can allow them: ${how}.)`;
}
