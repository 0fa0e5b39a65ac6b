import type { Redis } from 'ioredis';
import type { ConsoleListeners } from '../../ports/console-listeners.js';

/** A sorted set per channel, scored by expiry: a console that died drops out by itself. */
export function createRedisConsoleListeners(redis: Redis, prefix: string): ConsoleListeners {
  const keyOf = (channel: string) => `${prefix}:console:listeners:${channel}`;
  return {
    async listen(channel, session, ttlMs) {
      await redis.zadd(keyOf(channel), Date.now() + ttlMs, session);
    },
    async stop(channel, session) {
      await redis.zrem(keyOf(channel), session);
    },
    async sessionsFor(channel) {
      await redis.zremrangebyscore(keyOf(channel), 0, Date.now());
      return redis.zrange(keyOf(channel), 0, -1);
    },
  };
}
