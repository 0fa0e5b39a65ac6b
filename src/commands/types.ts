import type { Block } from '../ports/chat.js';
import type { Transport } from '../ports/queue.js';

/** A command as it arrives from any transport (Slack slash command, console line). */
export interface CommandInput {
  /** What the user typed after `/dev` (a leading `/dev` is accepted and ignored). */
  text: string;
  /** Slack user id, or the console's `--as` name. */
  user: string;
  /** Slack channel id, or the console's `--in` name. */
  channel: string;
  /** Channel name without '#', as Slack reports it (equal to `channel` in the console). */
  channelName: string;
  transport: Transport;
  /**
   * Set by the Slack adapter when the request comes through Slack Connect (from another
   * workspace, or in a channel shared with another organisation): why, in a few words. The ACL
   * refuses such requests unless the channel's config allows them.
   */
  external?: string;
  /** Set by the Slack adapter for a direct message with devbot (the ACL sees the channel `dm`). */
  directMessage?: boolean;
  /** The parent ts when the command was typed as a reply in a Slack thread (thread-subject.ts). */
  threadTs?: string;
  /**
   * Set by the mention adapter: the thread devbot answers in (the mention's own, or the thread it
   * was typed in). A job the command starts posts its message and its preview there too.
   */
  replyInThread?: string;
  /**
   * A slash command's response_url: answers only the requester, even where devbot may not post
   * (a channel it was not invited to). A job whose channel refuses it tells its requester there.
   */
  responseUrl?: string;
  /**
   * Unique per invocation and identical across Slack's retries of it (Slack's trigger_id; a
   * counter in the console). Job ids derive from it, so a retry never makes a second job.
   */
  requestId: string;
}

/** What the user sees at once (Slack: the ephemeral ack; console: printed). */
export interface CommandReply {
  text: string;
  blocks?: Block[];
  /** Set when a job was queued (or already existed for this request). */
  jobId?: string;
  /** How the command was decided, for logs, metrics and tests. */
  outcome: 'queued' | 'answered' | 'usage' | 'denied' | 'unavailable' | 'error';
}
