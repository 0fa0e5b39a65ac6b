import Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { noMetrics, type BudgetPriority, type Metrics } from '../../ports/metrics.js';

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
  // Tier 4 (100+/min): Home tabs, refreshed for everyone who looks at one when an alert changes.
  'views.publish': { burst: 50, everyMs: 600 },
};

/** How long a call waits for the budget's first connection before going without it. */
const CONNECT_WAIT_MS = 2_000;
/** At shutdown, how long calls already waiting in the shared budget keep their turn before going out locally. */
const DRAIN_MS = 2_000;

export type BudgetedMethod = 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral' | 'views.publish';

const sharedLimiterId = (prefix: string, bucket: string): string => `${prefix}:slack:${bucket}`;

/** The bucket a call of `method` waits in: chat.postMessage has one per channel, the others one per workspace. */
export const bucketOf = (method: BudgetedMethod, channel: string): string => (method === 'chat.postMessage' ? `${method}-${channel}` : method);

/**
 * The Redis hash in which bottleneck's clustering counts each replica's calls waiting in a bucket
 * (its `b_<id>_client_num_queued`), read by rate-budget-view.ts without entering the budget.
 */
export const waitingCountKey = (prefix: string, bucket: string): string => `b_${sharedLimiterId(prefix, bucket)}_client_num_queued`;

/** Bottleneck's priorities: 0 runs first. Final job states and alerts go before progress. */
export const PRIORITY = { urgent: 2, normal: 5, progress: 7 } as const;

/** The class a priority is counted under in metrics. */
const priorityClass = (priority: number): BudgetPriority => (priority <= PRIORITY.urgent ? 'urgent' : priority < PRIORITY.progress ? 'normal' : 'progress');

export interface RateBudget {
  /**
   * Runs `call` when the workspace's budget for `method` (per channel for chat.postMessage) has
   * room, across every replica sharing the Redis, and not before a pause set by `pause` ends.
   * Fails only as `call` fails. Without Redis (not reachable, lost while the call waited, or the
   * budget closing) the call waits in this process's own copy of the budget instead: it still goes
   * out, paced, never hangs on Redis.
   */
  run<T>(method: BudgetedMethod, opts: { channel: string; priority: number }, call: () => Promise<T>): Promise<T>;
  /** Slack answered 429: every replica holds `method` for `retryAfterSec`. */
  pause(method: string, retryAfterSec: number): Promise<void>;
  /**
   * Stops taking calls into the shared budget (later calls use the local one), lets the calls
   * already waiting there have their turn for a moment, moves the rest to the local budget, then
   * closes the Redis connections, waiting for the replies already due. Never rejects.
   */
  close(): Promise<void>;
}

/**
 * The workspace's Slack rate budget in Redis, shared by every replica: bottleneck's ioredis
 * clustering holds the buckets; a 429 that still comes back stores a resume time under
 * `<prefix>:slack:pause:<method>`, which every replica reads before its next call of that method.
 *
 * Shutdown order matters with bottleneck: a limiter disconnected before its connection sends
 * UNSUBSCRIBEs that bottleneck never awaits, and closing the connection under them rejects them
 * unhandled ("Connection is closed"). So the connection is closed first (QUIT, which lets pending
 * replies arrive, when Redis is there), and the limiters after it, which then only stop their
 * heartbeats.
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
  // Every reconnection attempt errors; one line per outage is enough.
  let redisErrorLogged = false;
  connection.on('error', (err: unknown) => {
    if (redisErrorLogged) return;
    redisErrorLogged = true;
    log.warn({ err }, 'Slack rate budget: Redis error; calls use the local budget until it is back');
  });
  redis.on('ready', () => (redisErrorLogged = false));
  const settings = (limit: BucketLimit): Bottleneck.ConstructorOptions => ({
    reservoir: limit.burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: limit.everyMs,
    reservoirIncreaseMaximum: limit.burst,
    // Queued calls notice the bucket refilling at the heartbeat; Bottleneck's default is 5 s.
    heartbeatInterval: Math.min(250, limit.everyMs),
  });
  const shared = new Map<string, Bottleneck>();
  const local = new Map<string, Bottleneck>();
  const limiterOf = (where: 'shared' | 'local', bucket: string, limit: BucketLimit, then?: Bottleneck): Bottleneck => {
    const pool = where === 'shared' ? shared : local;
    let limiter = pool.get(bucket);
    if (!limiter) {
      limiter = where === 'shared'
        // Redis keys of an idle budget expire (timeout); bottleneck sets them up again when needed.
        ? new Bottleneck({ ...settings(limit), id: sharedLimiterId(prefix, bucket), datastore: 'ioredis', connection, clearDatastore: false, timeout: 10 * 60_000 })
        : new Bottleneck(settings(limit));
      // A limiter whose setup in Redis failed (Redis went away meanwhile) rejects `ready`; calls
      // on it fail and go local, so this is only worth a debug line, never an unhandled rejection.
      void limiter.ready().catch((err: unknown) => log.debug({ err, bucket }, 'Slack rate budget: limiter setup failed'));
      if (then) limiter.chain(then);
      pool.set(bucket, limiter);
    }
    return limiter;
  };
  /**
   * The limiter a call waits in. Progress updates pass a share of chat.update of their own first
   * (half its burst, half its rate), then the method's bucket: priorities only order calls that
   * wait, so without the share ten jobs' progress would spend the whole bucket while nothing
   * waits, and their final states would queue behind its refill.
   */
  const limiterFor = (where: 'shared' | 'local', method: BudgetedMethod, channel: string, priority: number): Bottleneck => {
    const bucket = limiterOf(where, bucketOf(method, channel), limits[method]);
    if (method !== 'chat.update' || priority < PRIORITY.progress) return bucket;
    const whole = limits['chat.update'];
    return limiterOf(where, 'chat.update-progress', { burst: Math.max(1, Math.ceil(whole.burst / 2)), everyMs: whole.everyMs * 2 }, bucket);
  };

  const waitingCount = new Map<string, number>();
  const countWaiting = (method: string, priority: number, delta: number): void => {
    const key = `${method} ${priorityClass(priority)}`;
    const n = (waitingCount.get(key) ?? 0) + delta;
    waitingCount.set(key, n);
    metrics.slackBudgetWaiting?.(method, n, priorityClass(priority));
  };
  /** Calls waiting for their turn in the shared budget; each entry moves its call to the local budget. */
  const waiting = new Set<() => void>();
  /** Settles once every call that entered the shared budget has settled. */
  const inShared = new Set<Promise<unknown>>();
  const moveWaitingToLocal = () => [...waiting].forEach((goLocal) => goLocal());
  // Redis went away: calls waiting in the shared budget would wait for it without end.
  redis.on('close', moveWaitingToLocal);
  let closing = false;
  // For operators: 0 shows calls degraded to the local budget (Redis away, or the budget closing).
  metrics.slackBudgetShared?.(redis.status === 'ready');
  redis.on('ready', () => metrics.slackBudgetShared?.(!closing));
  redis.on('close', () => metrics.slackBudgetShared?.(false));

  const pauseKey = (method: string) => `${prefix}:slack:pause:${method}`;
  /** Pauses this process learnt of (its own 429s), for when Redis cannot be asked. */
  const localPauses = new Map<string, number>();

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
    const sharedUntil = redis.status === 'ready' ? Number(await redis.get(pauseKey(method)).catch(() => null)) : 0;
    const until = Math.max(sharedUntil, localPauses.get(method) ?? 0);
    if (until > Date.now()) metrics.slackBudgetPaused?.(method, until);
    // Waiting for a moment in time: there is no event to wait for.
    if (until > Date.now()) await new Promise((resolve) => setTimeout(resolve, until - Date.now()));
  }

  function runLocal<T>(method: BudgetedMethod, channel: string, priority: number, call: () => Promise<T>): Promise<T> {
    return limiterFor('local', method, channel, priority).schedule({ priority }, async () => {
      await waitOutPause(method);
      return call();
    });
  }

  /** The call's turn in the shared budget; if Redis fails it before the call started, the local budget's. */
  function runShared<T>(method: BudgetedMethod, channel: string, priority: number, call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let state: 'waiting' | 'started' | 'local' = 'waiting';
      const leaveWaiting = () => {
        waiting.delete(goLocal);
        countWaiting(method, priority, -1);
      };
      function goLocal(err?: unknown): void {
        if (state !== 'waiting') return;
        state = 'local';
        leaveWaiting();
        // The budget saves Slack from us; it must not keep Slack from us when Redis is away.
        log.warn({ err, method }, 'Slack rate budget in Redis unavailable; using the local budget');
        runLocal(method, channel, priority, call).then(resolve, reject);
      }
      waiting.add(goLocal);
      countWaiting(method, priority, 1);
      const job = async (): Promise<T | undefined> => {
        // Moved to the local budget while it waited: the turn came too late, and goes unused.
        if (state !== 'waiting') return undefined;
        state = 'started';
        leaveWaiting();
        await waitOutPause(method);
        return call();
      };
      const scheduled = limiterFor('shared', method, channel, priority).schedule({ priority }, job);
      const settled = scheduled.then(
        (value) => state === 'started' && resolve(value as T),
        (e: unknown) => (state === 'started' ? reject(e) : goLocal(e)),
      );
      inShared.add(settled);
      void settled.finally(() => inShared.delete(settled));
    });
  }

  return {
    async run(method, { channel, priority }, call) {
      const asked = Date.now();
      const timed: typeof call = () => {
        metrics.slackBudgetSent?.(method, (Date.now() - asked) / 1000);
        return call();
      };
      // Not connected (yet, or any more), or shutting down: the local budget, not a wait for Redis.
      if (closing || !(await connected()) || closing) return runLocal(method, channel, priority, timed);
      return runShared(method, channel, priority, timed);
    },
    async pause(method, retryAfterSec) {
      const ms = Math.max(1, Math.ceil(retryAfterSec * 1000));
      localPauses.set(method, Math.max(localPauses.get(method) ?? 0, Date.now() + ms));
      metrics.slackBudgetPaused?.(method, Date.now() + ms);
      if (redis.status !== 'ready') return;
      await redis.set(pauseKey(method), String(Date.now() + ms), 'PX', ms).catch((err: unknown) => log.warn({ err }, 'could not share the Slack pause'));
    },
    async close() {
      if (closing) return;
      closing = true;
      metrics.slackBudgetShared?.(false);
      // Stop taking calls (above), let those waiting have their turn for a moment, then move the rest.
      let drainTimer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inShared]), new Promise((resolve) => (drainTimer = setTimeout(resolve, DRAIN_MS)))]);
      clearTimeout(drainTimer);
      moveWaitingToLocal();
      redis.off('close', moveWaitingToLocal);
      // The connection first: QUIT waits for replies already due; a dead Redis is just dropped.
      await Promise.resolve(connection.disconnect(redis.status === 'ready')).catch(() => undefined);
      // Then the limiters: the connection is terminated, so they only stop their heartbeats.
      await Promise.allSettled([...shared.values()].map((l) => l.disconnect(false)));
    },
  };
}
