/** Who looks at devbot's Home tab, so alert changes refresh the tabs people actually see. */
export interface HomeViewers {
  /** Notes that `user` opened their Home tab at `at`. Fails with UpstreamError('redis'). */
  opened(user: string, at: Date): Promise<void>;
  /** Users who opened it since `since`, most recent first, at most `limit`. Fails with UpstreamError('redis'). */
  since(since: Date, limit: number): Promise<string[]>;
}
