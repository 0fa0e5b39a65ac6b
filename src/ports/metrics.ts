/** The rate budget's priority classes (rate-budget.ts PRIORITY): final states and alerts are `urgent`. */
export type BudgetPriority = 'urgent' | 'normal' | 'progress';

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
  slackBudgetWaiting?(method: string, waiting: number, priority?: BudgetPriority): void;
  /** A `method` call got its turn in the rate budget (shared or local) after waiting `waitedSeconds` (pauses included). */
  slackBudgetSent?(method: string, waitedSeconds: number): void;
  /** A 429 (seen here or by another replica) holds `method` until `untilMs` (epoch ms). */
  slackBudgetPaused?(method: string, untilMs: number): void;
  /** Whether calls use the budget shared in Redis (true) or this process's local fallback (false). */
  slackBudgetShared?(shared: boolean): void;
  /** `count` waiting updates of one message were dropped unsent: a newer update of it went instead. */
  slackUpdatesSuperseded?(method: string, count: number): void;
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
