import type { Redis } from 'ioredis';
import type { HomeViewers } from '../../ports/home-viewers.js';
import { redisCall } from './redis-call.js';

/** Viewers forgotten after a week: their tab is refreshed again when they next open it. */
const FORGET_MS = 7 * 86_400_000;

/** A sorted set `<prefix>:home-viewers`, user → when they last opened the Home tab. */
export function createRedisHomeViewers(redis: Redis, prefix: string): HomeViewers {
  const key = `${prefix}:home-viewers`;
  return {
    async opened(user, at) {
      await redisCall('noting a Home tab viewer', () => redis.multi().zadd(key, at.getTime(), user).zremrangebyscore(key, '-inf', at.getTime() - FORGET_MS).exec());
    },
    async since(since, limit) {
      return redisCall('listing Home tab viewers', () => redis.zrevrangebyscore(key, '+inf', since.getTime(), 'LIMIT', 0, limit));
    },
  };
}
