import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import type { SlackBusy, SlackBusyness } from '../../ports/slack-busy.js';
import { bucketOf, SLACK_LIMITS, waitingCountKey, type BucketLimit, type BudgetedMethod } from './rate-budget.js';

/** How often the view reads the budget's waiting counts. */
const REFRESH_MS = 500;
/** A view older than this (Redis slow or away) is not known: acks go out plain rather than wrong. */
const STALE_MS = 3_000;
/** Channels a command came from are watched this long after their last command. */
const WATCH_MS = 10 * 60_000;
/** At most this many channels are watched besides the configured ones (one HVALS each per refresh). */
const MAX_WATCHED = 200;

/**
 * A cheap, in-memory view of the workspace's Slack rate budget in Redis (rate-budget.ts), for the
 * ack of a command: it answers at once from what it last read. In the background, every
 * REFRESH_MS, one pipelined round trip reads how many calls every replica has waiting in each
 * watched channel's chat.postMessage bucket and in the workspace's chat.update bucket (bottleneck
 * counts them per replica in Redis). Watched are the configured channels and those commands came
 * from lately; a channel seen for the first time is not known yet, and gets the plain ack.
 */
export function createRateBudgetView(opts: {
  /** A connection of its own, closed by stop(). */
  redis: Redis;
  prefix: string;
  log: Logger;
  channels: Iterable<string>;
  limits?: Partial<Record<BudgetedMethod, BucketLimit>>;
  refreshMs?: number;
  now?: () => number;
}): SlackBusy & { stop(): void } {
  const { redis, prefix, log, now = Date.now } = opts;
  const limits = { ...SLACK_LIMITS, ...opts.limits };
  const configured = new Set(opts.channels);
  const lately = new Map<string, number>();
  let seen: { at: number; posts: Map<string, number>; updates: number } | undefined;
  let failureLogged = false;
  let stopped = false;

  const watched = (): string[] => {
    const horizon = now() - WATCH_MS;
    for (const [channel, at] of lately) if (at < horizon) lately.delete(channel);
    return [...new Set([...configured, ...lately.keys()])];
  };
  const waiting = (counts: string[] | null | undefined): number => (counts ?? []).reduce((sum, n) => sum + Math.max(0, Number(n) || 0), 0);

  async function refresh(): Promise<void> {
    if (redis.status !== 'ready') return;
    const channels = watched();
    const pipeline = redis.pipeline();
    for (const channel of channels) pipeline.hvals(waitingCountKey(prefix, bucketOf('chat.postMessage', channel)));
    pipeline.hvals(waitingCountKey(prefix, bucketOf('chat.update', '')));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
    const counts = results.map(([, value]) => waiting(value as string[]));
    seen = { at: now(), posts: new Map(channels.map((c, i) => [c, counts[i] ?? 0])), updates: counts[channels.length] ?? 0 };
  }

  const timer = setInterval(() => {
    refresh().then(
      () => (failureLogged = false),
      (err: unknown) => {
        // The ack falls back to plain once the view is stale; one line per outage is enough.
        if (!failureLogged && !stopped) log.warn({ err }, 'could not read the Slack rate budget; acks leave out how busy Slack is');
        failureLogged = true;
      },
    );
  }, opts.refreshMs ?? REFRESH_MS);
  timer.unref();

  const secondsFor = (calls: number, limit: BucketLimit): number => Math.max(1, Math.ceil(((calls + 1) * limit.everyMs) / 1000));

  return {
    busyIn(channel): SlackBusyness | undefined {
      if (!configured.has(channel) && (lately.has(channel) || lately.size < MAX_WATCHED)) lately.set(channel, now());
      if (stopped || !seen || now() - seen.at > STALE_MS) return undefined;
      const posts = seen.posts.get(channel) ?? 0;
      const updates = seen.updates;
      if (posts === 0 && updates === 0) return undefined;
      const postWait = posts > 0 ? secondsFor(posts, limits['chat.postMessage']) : 0;
      const updateWait = updates > 0 ? secondsFor(updates, limits['chat.update']) : 0;
      return postWait >= updateWait ? { scope: 'channel', waitSec: postWait } : { scope: 'workspace', waitSec: updateWait };
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      redis.disconnect();
    },
  };
}
