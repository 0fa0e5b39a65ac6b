import type { Redis } from 'ioredis';
import type { EventClaims } from '../../ports/event-claims.js';
import { redisCall } from './redis-call.js';

/** Claims as `SET <prefix>:event-claim:<key> 1 PX ttl NX`: atomic across serve processes. */
export function createRedisEventClaims(redis: Redis, prefix: string): EventClaims {
  return {
    async claim(key, ttlMs) {
      const set = await redisCall('claiming a Slack event', () => redis.set(`${prefix}:event-claim:${key}`, '1', 'PX', ttlMs, 'NX'));
      return set === 'OK';
    },
  };
}
