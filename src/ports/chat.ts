/** Posting to the team's chat: Slack in production, the terminal in `devbot console`. */

/** A Block Kit block. Kept loose here: renderers build them, adapters pass them through. */
export type Block = Record<string, unknown> & { type: string };

export interface ChatMessage {
  /** Plain-text fallback, shown in notifications and by the console. Max 4,000 chars. */
  text: string;
  blocks?: Block[];
}

export interface MessageRef {
  channel: string;
  /** Slack's message timestamp, its id within the channel. */
  ts: string;
}

export interface Chat {
  /** Posts a message to a channel (or into a thread). Fails with UpstreamError('slack'). */
  post(channel: string, message: ChatMessage, opts?: { threadTs?: string }): Promise<MessageRef>;
  /** Replaces the content of a message posted earlier. Fails with UpstreamError('slack'). */
  update(ref: MessageRef, message: ChatMessage): Promise<void>;
  /** Posts a message only `user` can see. Fails with UpstreamError('slack'). */
  postEphemeral(channel: string, user: string, message: ChatMessage): Promise<void>;
}
