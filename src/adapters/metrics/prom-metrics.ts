import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../../ports/metrics.js';
import { withDeadline } from '../../with-deadline.js';

/** Jobs waiting, running, scheduled for later and failed (a subset of JobQueue.counts()). */
export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface PromMetrics extends Metrics {
  /** This instance's own registry (never prom-client's global one). */
  registry: Registry;
  /** Content-Type of what render() returns (Prometheus text format). */
  contentType: string;
  /** Everything in the Prometheus text format; reads the queue depth first (bounded by a deadline). */
  render(): Promise<string>;
  /** How to read the queue depth at each scrape. Without one, `devbot_queue_jobs` stays empty. */
  setQueueDepthCollector(collect: () => Promise<QueueDepth>): void;
}

/** Job kinds run from well under a second (status) to half an hour (stack updates). */
const JOB_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** Budget waits run from nothing (room in the bucket) to a minute (a long Retry-After, chat.update's refill). */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

/**
 * The Metrics port on prom-client, with a registry per instance so tests (and a process that runs
 * both serve and worker) can hold several. The queue depth is read at scrape time within
 * `queueDepthTimeoutMs`, so a dead Redis empties that gauge and sets `devbot_queue_up 0` instead
 * of hanging `/metrics`.
 */
export function createPromMetrics(opts: { queueDepthTimeoutMs?: number } = {}): PromMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  let readDepth: (() => Promise<QueueDepth>) | undefined;

  const commands = new Counter({ name: 'devbot_commands_total', help: 'Commands handled, by verb and outcome.', labelNames: ['verb', 'outcome'], registers });
  const jobs = new Histogram({ name: 'devbot_job_duration_seconds', help: 'Job run time, by kind and outcome.', labelNames: ['kind', 'outcome'], buckets: JOB_BUCKETS, registers });
  const slackErrors = new Counter({ name: 'devbot_slack_api_errors_total', help: 'Slack Web API calls that failed after retries, by method and error code.', labelNames: ['method', 'code'], registers });
  const slackBudgetWaiting = new Gauge({ name: 'devbot_slack_budget_waiting', help: 'Slack calls waiting in this process for their turn in the shared rate budget, by method and priority (urgent: final states and alerts; progress: progress updates).', labelNames: ['method', 'priority'], registers });
  const slackBudgetSent = new Counter({ name: 'devbot_slack_budget_sent_total', help: 'Slack calls that got their turn in the rate budget (shared or local), by method.', labelNames: ['method'], registers });
  const slackBudgetWait = new Histogram({ name: 'devbot_slack_budget_wait_seconds', help: 'How long Slack calls waited for their turn in the rate budget (429 pauses included), by method.', labelNames: ['method'], buckets: WAIT_BUCKETS, registers });
  const slackUpdatesSuperseded = new Counter({ name: 'devbot_slack_updates_superseded_total', help: 'Waiting updates of a message dropped unsent because a newer update of it went instead, by method.', labelNames: ['method'], registers });
  const slackBudgetShared = new Gauge({ name: 'devbot_slack_budget_shared', help: '1 while Slack calls use the rate budget shared in Redis, 0 while they fall back to this process\'s local budget.', registers });
  /** Per method, when its 429 pause ends (epoch ms): the gauge below reads what is left at each scrape. */
  const pausedUntil = new Map<string, number>();
  const slackBudgetBackoff = new Gauge({
    name: 'devbot_slack_budget_backoff_seconds',
    help: 'Seconds left of the Retry-After pause a 429 put on the method across replicas (0 when not paused), by method.',
    labelNames: ['method'],
    registers,
    collect() {
      const now = Date.now();
      for (const [method, until] of pausedUntil) slackBudgetBackoff.set({ method }, Math.max(0, (until - now) / 1000));
    },
  });
  const slackRateLimited = new Counter({ name: 'devbot_slack_429_total', help: 'Slack calls answered 429 despite the rate budget, by method.', labelNames: ['method'], registers });
  const slackBlocksRejected = new Counter({ name: 'devbot_slack_blocks_rejected_total', help: 'Messages whose blocks Slack refused, sent again as text only, by method and error.', labelNames: ['method', 'code'], registers });
  const alertChannelFailures = new Counter({ name: 'devbot_alert_channel_failures_total', help: 'Channels that refused alerts (not_in_channel…), counted once per channel and error until it works again.', labelNames: ['channel', 'error'], registers });
  /**
   * The queue depth read once per scrape and shared by the two gauges below: prom-client collects
   * every metric of a scrape at once, so a gauge set from the other's collect would show what the
   * previous scrape found.
   */
  let depthThisScrape: Promise<QueueDepth | 'unreadable'> | undefined;
  const readDepthOnce = () =>
    (depthThisScrape ??= readDepth
      ? withDeadline(readDepth(), opts.queueDepthTimeoutMs ?? 1000, () => new Error('queue depth timed out')).catch(() => 'unreadable' as const)
      : Promise.resolve('unreadable' as const));
  const queueUp = new Gauge({
    name: 'devbot_queue_up',
    help: '1 when the queue depth could be read from Redis at this scrape, else 0.',
    registers,
    async collect() {
      if (!readDepth) return;
      queueUp.set((await readDepthOnce()) === 'unreadable' ? 0 : 1);
    },
  });
  const queueJobs = new Gauge({
    name: 'devbot_queue_jobs',
    help: 'Jobs in the queue, by state, read at scrape time.',
    labelNames: ['state'],
    registers,
    async collect() {
      queueJobs.reset();
      if (!readDepth) return;
      const depth = await readDepthOnce();
      // No stale numbers: an empty gauge plus devbot_queue_up 0 is what an alert can rely on.
      if (depth !== 'unreadable') for (const state of STATES) queueJobs.set({ state }, depth[state]);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    render: () => {
      depthThisScrape = undefined;
      return registry.metrics();
    },
    setQueueDepthCollector(collect) {
      readDepth = collect;
    },
    commandHandled(verb, outcome) {
      quietly(() => commands.inc({ verb: label(verb), outcome: label(outcome) }));
    },
    jobFinished(kind, outcome, seconds) {
      quietly(() => jobs.observe({ kind: label(kind), outcome }, Math.max(0, seconds)));
    },
    slackError(method, code) {
      quietly(() => slackErrors.inc({ method: label(method), code: label(code) }));
    },
    alertChannelFailed(channel, error) {
      quietly(() => alertChannelFailures.inc({ channel: label(channel), error: label(error) }));
    },
    slackBudgetWaiting(method, waiting, priority) {
      quietly(() => slackBudgetWaiting.set(priority ? { method: label(method), priority } : { method: label(method) }, waiting));
    },
    slackBudgetSent(method, waitedSeconds) {
      quietly(() => {
        slackBudgetSent.inc({ method: label(method) });
        slackBudgetWait.observe({ method: label(method) }, Math.max(0, waitedSeconds));
      });
    },
    slackBudgetPaused(method, untilMs) {
      quietly(() => pausedUntil.set(label(method), Math.max(pausedUntil.get(label(method)) ?? 0, untilMs)));
    },
    slackBudgetShared(isShared) {
      quietly(() => slackBudgetShared.set(isShared ? 1 : 0));
    },
    slackUpdatesSuperseded(method, count) {
      quietly(() => slackUpdatesSuperseded.inc({ method: label(method) }, count));
    },
    slackRateLimited(method) {
      quietly(() => slackRateLimited.inc({ method: label(method) }));
    },
    slackBlocksRejected(method, code) {
      quietly(() => slackBlocksRejected.inc({ method: label(method), code: label(code) }));
    },
  };
}

/** The port promises never to throw; a metric is not worth failing a command or a job for. */
function quietly(record: () => void): void {
  try {
    record();
  } catch {
    // e.g. a NaN duration: dropped.
  }
}

/** Bounds a label value, so one odd input cannot blow up the series' size. */
function label(value: string): string {
  return value.length > 64 ? value.slice(0, 64) : value;
}
