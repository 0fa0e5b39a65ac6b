/**
 * One-time claims on incoming events, shared by every `devbot serve`: Slack delivers an event
 * again when it saw no ack in time (same `event_id`), so a mention must run its command once.
 */
export interface EventClaims {
  /**
   * Claims `key` for `ttlMs`: true for the first caller, false while the claim lasts.
   * Fails with UpstreamError('redis').
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
}
