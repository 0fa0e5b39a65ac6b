import type { Redis } from 'ioredis';
import type { AcquireResult, LockHolder, Locks } from '../../ports/locks.js';

// Compare-and-act scripts: only the job that holds a lock may extend or release it.
const REFRESH = `local v = redis.call('GET', KEYS[1]); if v and cjson.decode(v).jobId == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `local v = redis.call('GET', KEYS[1]); if v and cjson.decode(v).jobId == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Locks as Redis keys with a TTL: a worker that dies stops refreshing, and its lock expires. */
export function createRedisLocks(redis: Redis, prefix: string): Locks {
  const keyOf = (target: string) => `${prefix}:lock:${target}`;
  return {
    async acquire(holder: LockHolder, ttlMs: number): Promise<AcquireResult> {
      const key = keyOf(holder.target);
      for (let attempt = 0; attempt < 3; attempt++) {
        if ((await redis.set(key, JSON.stringify(holder), 'PX', ttlMs, 'NX')) === 'OK') return { acquired: true };
        const current = await redis.get(key);
        // Same job asking again (a retried request, a resumed job): it already holds the lock.
        if (current) {
          const held = JSON.parse(current) as LockHolder;
          if (held.jobId === holder.jobId) {
            await redis.pexpire(key, ttlMs);
            return { acquired: true };
          }
          return { acquired: false, holder: held };
        }
        // The lock expired between SET and GET: try again.
      }
      return { acquired: false, holder: { ...holder, jobId: '?', user: 'unknown', text: 'contended' } };
    },
    async refresh(target, jobId, ttlMs) {
      return (await redis.eval(REFRESH, 1, keyOf(target), jobId, String(ttlMs))) === 1;
    },
    async release(target, jobId) {
      await redis.eval(RELEASE, 1, keyOf(target), jobId);
    },
    async list() {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:lock:*`, 'COUNT', 200);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys);
      return values.flatMap((v) => (v ? [JSON.parse(v) as LockHolder] : [])).sort((a, b) => a.since.localeCompare(b.since));
    },
  };
}
