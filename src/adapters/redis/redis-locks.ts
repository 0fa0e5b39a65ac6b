import type { Redis } from 'ioredis';
import type { AcquireResult, LockHolder, LockStanding, Locks, TakeOverResult } from '../../ports/locks.js';
import { redisCall } from './redis-call.js';

// Compare-and-act scripts, so no other client can slip in between the look and the act.
// ACQUIRE: take the lock if free; if this job already holds it, extend it; else return the holder.
const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3], 'NX') then return false end
local v = redis.call('GET', KEYS[1])
if cjson.decode(v).jobId == ARGV[2] then redis.call('PEXPIRE', KEYS[1], ARGV[3]) return false end
return v`;
// TAKE_OVER: like ACQUIRE, and the run gets the next fencing token, kept in the lock. A token is
// max(previous + 1, Redis' clock in ms): it only grows, and still grows past the tokens of a Redis
// that was replaced (a fence in etcd outlives Redis' data).
const TAKE_OVER = `local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).jobId ~= ARGV[2] then return v end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local fence = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, now)
redis.call('SET', KEYS[2], string.format('%d', fence))
local h = cjson.decode(ARGV[1])
h.fence = fence
redis.call('SET', KEYS[1], cjson.encode(h), 'PX', ARGV[3])
return fence`;
// RENEW: extend only for the run whose token the lock carries; else say where that run stands.
const RENEW = `local v = redis.call('GET', KEYS[1])
if not v then return 'lost' end
local h = cjson.decode(v)
if h.jobId ~= ARGV[1] or type(h.fence) ~= 'number' then return 'lost' end
local mine = tonumber(ARGV[2])
if h.fence > mine then return 'superseded' end
if h.fence < mine then return 'lost' end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 'held'`;
// Only the job that holds a lock may extend or release it (and, given a token, only that run).
const REFRESH = `local v = redis.call('GET', KEYS[1]); if v and cjson.decode(v).jobId == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local h = cjson.decode(v)
if h.jobId == ARGV[1] and (ARGV[2] == '' or h.fence == tonumber(ARGV[2])) then return redis.call('DEL', KEYS[1]) end
return 0`;

/** SCAN MATCH treats these as wildcards; a prefix must match only itself. */
const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/** Locks as Redis keys with a TTL: a worker that dies stops refreshing, and its lock expires. */
export function createRedisLocks(redis: Redis, prefix: string): Locks {
  const keyOf = (target: string) => `${prefix}:lock:${target}`;
  const fenceCounter = `${prefix}:fence`;
  return {
    async acquire(holder: LockHolder, ttlMs: number): Promise<AcquireResult> {
      const held = (await redisCall(`taking the lock on ${holder.target}`, () =>
        redis.eval(ACQUIRE, 1, keyOf(holder.target), JSON.stringify(holder), holder.jobId, String(ttlMs)),
      )) as string | null;
      // Null: taken now, or already held by this job (a retried request, a resumed job).
      return held === null ? { acquired: true } : { acquired: false, holder: JSON.parse(held) as LockHolder };
    },
    async takeOver(holder, ttlMs): Promise<TakeOverResult> {
      const got = (await redisCall(`taking over the lock on ${holder.target}`, () =>
        redis.eval(TAKE_OVER, 2, keyOf(holder.target), fenceCounter, JSON.stringify(holder), holder.jobId, String(ttlMs)),
      )) as number | string;
      return typeof got === 'number' ? { acquired: true, fence: got } : { acquired: false, holder: JSON.parse(got) as LockHolder };
    },
    async renew(target, jobId, fence, ttlMs) {
      return (await redisCall(`renewing the lock on ${target}`, () => redis.eval(RENEW, 1, keyOf(target), jobId, String(fence), String(ttlMs)))) as LockStanding;
    },
    async refresh(target, jobId, ttlMs) {
      return (await redisCall(`refreshing the lock on ${target}`, () => redis.eval(REFRESH, 1, keyOf(target), jobId, String(ttlMs)))) === 1;
    },
    async release(target, jobId, fence) {
      await redisCall(`releasing the lock on ${target}`, () => redis.eval(RELEASE, 1, keyOf(target), jobId, fence === undefined ? '' : String(fence)));
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
