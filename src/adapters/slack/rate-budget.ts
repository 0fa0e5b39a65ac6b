import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { noMetrics, type Metrics } from '../../ports/metrics.js';

/** A token bucket: `burst` calls at once, then one more every `everyMs`. */
export interface BucketLimit {
  burst: number;
  everyMs: number;
}

/**
 * Slack's published limits, kept a little under them: chat.postMessage about 1/s per channel with
 * a short burst; chat.update Tier 3 (50/min per workspace); chat.postEphemeral Tier 4 (100/min).
 */
export const SLACK_LIMITS: Record<BudgetedMethod, BucketLimit> = {
  'chat.postMessage': { burst: 5, everyMs: 1000 },
  'chat.update': { burst: 40, everyMs: 1200 },
  'chat.postEphemeral': { burst: 50, everyMs: 600 },
};

/** How long a call waits for the budget's first connection before going without it. */
const CONNECT_WAIT_MS = 2_000;

export type BudgetedMethod = 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral';

/** Bottleneck's priorities: 0 runs first. Final job states and alerts go before progress. */
export const PRIORITY = { urgent: 2, normal: 5, progress: 7 } as const;

export interface RateBudget {
  /**
   * Runs `call` when the workspace's budget for `method` (per channel for chat.postMessage) has
   * room, across every replica sharing the Redis, and not before a pause set by `pause` ends.
   * Fails only as `call` fails; a budget that cannot reach Redis lets the call through.
   */
  run<T>(method: BudgetedMethod, opts: { channel: string; priority: number }, call: () => Promise<T>): Promise<T>;
  /** Slack answered 429: every replica holds `method` for `retryAfterSec`. */
  pause(method: string, retryAfterSec: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The workspace's Slack rate budget in Redis, shared by every replica: bottleneck's ioredis
 * clustering holds the buckets; a 429 that still comes back stores a resume time under
 * `<prefix>:slack:pause:<method>`, which every replica reads before its next call of that method.
 */
export function createRateBudget(opts: {
  /** A connection of its own: the budget closes it (and its duplicate for pub/sub). */
  redis: Redis;
  prefix: string;
  log: Logger;
  metrics?: Metrics;
  limits?: Partial<Record<BudgetedMethod, BucketLimit>>;
}): RateBudget {
  const { redis, prefix, log, metrics = noMetrics } = opts;
  const limits = { ...SLACK_LIMITS, ...opts.limits };
  const connection = new Bottleneck.IORedisConnection({ client: redis });
  connection.on('error', (err: unknown) => log.warn({ err }, 'Slack rate budget: Redis error'));
  const settings = (limit: BucketLimit): Bottleneck.ConstructorOptions => ({
    datastore: 'ioredis',
    connection,
    clearDatastore: false,
    reservoir: limit.burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: limit.everyMs,
    reservoirIncreaseMaximum: limit.burst,
    // Queued calls notice the bucket refilling at the heartbeat; Bottleneck's default is 5 s.
    heartbeatInterval: Math.min(250, limit.everyMs),
    // Redis keys of an idle budget expire.
    timeout: 10 * 60_000,
  });
  const perChannel = new Bottleneck.Group({ ...settings(limits['chat.postMessage']), id: `${prefix}:slack:chat.postMessage`, timeout: 10 * 60_000 });
  const workspace = new Map<BudgetedMethod, Bottleneck>();
  const limiterFor = (method: BudgetedMethod, channel: string): Bottleneck => {
    if (method === 'chat.postMessage') return perChannel.key(channel);
    let limiter = workspace.get(method);
    if (!limiter) {
      limiter = new Bottleneck({ ...settings(limits[method]), id: `${prefix}:slack:${method}` });
      workspace.set(method, limiter);
    }
    return limiter;
  };
  const waiting = new Map<string, number>();
  const countWaiting = (method: string, delta: number): void => {
    const n = (waiting.get(method) ?? 0) + delta;
    waiting.set(method, n);
    metrics.slackBudgetWaiting?.(method, n);
  };
  const pauseKey = (method: string) => `${prefix}:slack:pause:${method}`;

  /** Whether Redis is there, waiting a moment for a connection that is being made. */
  async function connected(): Promise<boolean> {
    if (redis.status === 'ready') return true;
    if (redis.status !== 'connecting' && redis.status !== 'connect' && redis.status !== 'wait') return false;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('reconnecting', onFailed);
        resolve(ok);
      };
      const onReady = () => done(true);
      // The first attempt failed: Redis is away, and Slack is not kept waiting for it.
      const onFailed = () => done(false);
      const timer = setTimeout(() => done(false), CONNECT_WAIT_MS);
      redis.once('ready', onReady);
      redis.once('reconnecting', onFailed);
    });
  }

  async function waitOutPause(method: string): Promise<void> {
    const until = Number(await redis.get(pauseKey(method)).catch(() => null));
    // Waiting for a moment in time: there is no event to wait for.
    if (until > Date.now()) await new Promise((resolve) => setTimeout(resolve, until - Date.now()));
  }

  return {
    async run(method, { channel, priority }, call) {
      // Not connected (yet, or any more): Bottleneck would wait for Redis without end.
      if (!(await connected())) return call();
      let started = false;
      countWaiting(method, 1);
      const job = async () => {
        started = true;
        countWaiting(method, -1);
        await waitOutPause(method);
        return call();
      };
      try {
        return await limiterFor(method, channel).schedule({ priority }, job);
      } catch (e) {
        if (started) throw e;
        countWaiting(method, -1);
        // The budget saves Slack from us; it must not keep Slack from us when Redis is away.
        log.warn({ err: e, method }, 'Slack rate budget unavailable; calling without it');
        return job();
      }
    },
    async pause(method, retryAfterSec) {
      const ms = Math.max(1, Math.ceil(retryAfterSec * 1000));
      await redis.set(pauseKey(method), String(Date.now() + ms), 'PX', ms).catch((err: unknown) => log.warn({ err }, 'could not share the Slack pause'));
    },
    async close() {
      await Promise.allSettled([...workspace.values()].map((l) => l.disconnect(false)));
      await Promise.resolve(perChannel.disconnect(false)).catch(() => undefined);
      await Promise.resolve(connection.disconnect(false)).catch(() => undefined);
    },
  };
}
