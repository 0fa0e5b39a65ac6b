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

/** A user's Home tab in Slack (views.publish, type home): at most 100 blocks. */
export interface HomeTab {
  blocks: Block[];
}

export interface Chat {
  /** Posts a message to a channel (or into a thread). Fails with UpstreamError('slack'). */
  post(channel: string, message: ChatMessage, opts?: { threadTs?: string }): Promise<MessageRef>;
  /**
   * Replaces the content of a message posted earlier. `final` marks a job's end state, which goes
   * before intermediate updates when Slack's rate budget is tight; of several updates of one
   * message still waiting for their turn, only the newest is sent. Fails with UpstreamError('slack').
   */
  update(ref: MessageRef, message: ChatMessage, opts?: { final?: boolean }): Promise<void>;
  /** Posts a message only `user` can see. Fails with UpstreamError('slack'). */
  postEphemeral(channel: string, user: string, message: ChatMessage): Promise<void>;
  /**
   * Shares a text file in a channel (or thread): output too long for messages, such as a journal.
   * Optional: a chat without files leaves it out and callers post less. Fails with UpstreamError('slack').
   */
  upload?(channel: string, file: { filename: string; title: string; content: string }, opts?: { threadTs?: string }): Promise<void>;
  /**
   * Publishes `user`'s Home tab, replacing what was there; of several publishes for one user still
   * waiting for their turn, only the newest is sent. Optional: the console has no Home tab.
   * Fails with UpstreamError('slack').
   */
  publishHome?(user: string, home: HomeTab): Promise<void>;
  /**
   * Answers only the person who typed a slash command, through its response_url (ephemeral),
   * which works where devbot was not invited. Optional: the console answers in place.
   * Fails with UpstreamError('slack').
   */
  respond?(responseUrl: string, message: ChatMessage): Promise<void>;
}
