/** Console sessions that want a channel's unasked messages (alerts), so `devbot console` shows them. */
export interface ConsoleListeners {
  /** Registers (or refreshes) a session as listening to `channel` for `ttlMs`. */
  listen(channel: string, session: string, ttlMs: number): Promise<void>;
  stop(channel: string, session: string): Promise<void>;
  /** Sessions listening to `channel` now. */
  sessionsFor(channel: string): Promise<string[]>;
}
