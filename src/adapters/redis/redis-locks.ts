import type { Redis } from 'ioredis';
import type { AcquireResult, LockHolder, Locks } from '../../ports/locks.js';
import { redisCall } from './redis-call.js';

// Compare-and-act scripts, so no other client can slip in between the look and the act.
// ACQUIRE: take the lock if free; if this job already holds it, extend it; else return the holder.
const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3], 'NX') then return false end
local v = redis.call('GET', KEYS[1])
if cjson.decode(v).jobId == ARGV[2] then redis.call('PEXPIRE', KEYS[1], ARGV[3]) return false end
return v`;
// Only the job that holds a lock may extend or release it.
const REFRESH = `local v = redis.call('GET', KEYS[1]); if v and cjson.decode(v).jobId == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `local v = redis.call('GET', KEYS[1]); if v and cjson.decode(v).jobId == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** SCAN MATCH treats these as wildcards; a prefix must match only itself. */
const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/** Locks as Redis keys with a TTL: a worker that dies stops refreshing, and its lock expires. */
export function createRedisLocks(redis: Redis, prefix: string): Locks {
  const keyOf = (target: string) => `${prefix}:lock:${target}`;
  return {
    async acquire(holder: LockHolder, ttlMs: number): Promise<AcquireResult> {
      const held = (await redisCall(`taking the lock on ${holder.target}`, () =>
        redis.eval(ACQUIRE, 1, keyOf(holder.target), JSON.stringify(holder), holder.jobId, String(ttlMs)),
      )) as string | null;
      // Null: taken now, or already held by this job (a retried request, a resumed job).
      return held === null ? { acquired: true } : { acquired: false, holder: JSON.parse(held) as LockHolder };
    },
    async refresh(target, jobId, ttlMs) {
      return (await redisCall(`refreshing the lock on ${target}`, () => redis.eval(REFRESH, 1, keyOf(target), jobId, String(ttlMs)))) === 1;
    },
    async release(target, jobId) {
      await redisCall(`releasing the lock on ${target}`, () => redis.eval(RELEASE, 1, keyOf(target), jobId));
    },
    async list() {
      return redisCall('listing locks', async () => {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}:lock:*`, 'COUNT', 200);
          cursor = next;
          keys.push(...batch);
        } while (cursor !== '0');
        if (keys.length === 0) return [];
        const values = await redis.mget(...keys);
        return values.flatMap((v) => (v ? [JSON.parse(v) as LockHolder] : [])).sort((a, b) => a.since.localeCompare(b.since));
      });
    },
  };
}
