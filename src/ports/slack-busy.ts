/** How long a report to a channel is expected to wait for Slack's rate limits. */
export interface SlackBusyness {
  /** `channel`: posts to this channel are queued; `workspace`: message updates are queued workspace-wide. */
  scope: 'channel' | 'workspace';
  /** About how long, in seconds, until a report queued now would go out. */
  waitSec: number;
}

/**
 * What devbot last saw of the workspace's Slack rate budget, read without a round trip: the ack of
 * a command asks it, and must not wait on Redis to do so.
 */
export interface SlackBusy {
  /** Busy, and for about how long; undefined when the budget is idle or its state is not known. */
  busyIn(channel: string): SlackBusyness | undefined;
}
