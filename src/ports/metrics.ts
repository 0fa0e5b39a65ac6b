/** Counters and timings for operators (`/metrics`). Every method is cheap and never throws. */
export interface Metrics {
  /** A command arrived and was decided: outcome is CommandReply.outcome. */
  commandHandled(verb: string, outcome: string): void;
  /** A job ended after `seconds`. */
  jobFinished(kind: string, outcome: 'succeeded' | 'failed' | 'cancelled', seconds: number): void;
  /** A Slack Web API call failed (after the client's own retries). */
  slackError(method: string, code: string): void;
  /** Alerts could not be posted to `channel` (Slack's `error`): counted once until it works again. */
  alertChannelFailed(channel: string, error: string): void;
  /** Slack calls of `method` waiting in this process for their turn in the shared rate budget. */
  slackBudgetWaiting?(method: string, waiting: number): void;
  /** Slack answered 429 to `method` despite the budget. */
  slackRateLimited?(method: string): void;
  /** Slack refused a message's blocks (`invalid_blocks`…) and it was sent as text only. */
  slackBlocksRejected?(method: string, code: string): void;
}

/** Metrics that record nothing (tests, CLI tools). */
export const noMetrics: Metrics = {
  commandHandled() {},
  jobFinished() {},
  slackError() {},
  alertChannelFailed() {},
};
