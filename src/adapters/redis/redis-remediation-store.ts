import type { Redis } from 'ioredis';
import type { FollowedJob, RemediationAttempt, RemediationPause, RemediationStore } from '../../ports/remediation-store.js';
import { redisCall } from './redis-call.js';

/** Deletes the slot only when the attempt named still holds it (a late release never frees a newer attempt's slot). */
const RELEASE = `local v = redis.call('GET', KEYS[1]) if v and cjson.decode(v).id == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Rewrites the slot only while the same attempt holds it. */
const UPDATE = `local v = redis.call('GET', KEYS[1]) if v and cjson.decode(v).id == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;

/** Auto-remediation state in Redis: the per-environment slot is one key taken with SET NX, so two workers never both act. */
export function createRedisRemediationStore(redis: Redis, prefix: string): RemediationStore {
  const k = (...parts: string[]) => [prefix, 'remediation', ...parts].join(':');
  const call = <T>(what: string, run: () => Promise<T>) => redisCall(what, run);
  return {
    claim: (attempt, ttlMs) => call('claiming the remediation slot', async () => (await redis.set(k('active', attempt.environment), JSON.stringify(attempt), 'PX', ttlMs, 'NX')) === 'OK'),
    active: (environment) =>
      call('reading the remediation slot', async () => {
        const raw = await redis.get(k('active', environment));
        return raw ? (JSON.parse(raw) as RemediationAttempt) : undefined;
      }),
    update: (attempt, ttlMs) => call('saving a remediation', async () => void (await redis.eval(UPDATE, 1, k('active', attempt.environment), attempt.id, JSON.stringify(attempt), ttlMs))),
    release: (environment, attemptId) => call('freeing the remediation slot', async () => void (await redis.eval(RELEASE, 1, k('active', environment), attemptId))),
    decide: (attemptId, decision, by) =>
      call('settling a remediation', async () => {
        const key = k('decided', attemptId);
        await redis.set(key, JSON.stringify({ decision, by }), 'EX', 86_400, 'NX');
        return JSON.parse((await redis.get(key)) ?? JSON.stringify({ decision, by })) as { decision: 'run' | 'cancel'; by: string };
      }),
    recordStart: (environment, at) =>
      call('recording a remediation', async () => {
        const key = k('starts', environment);
        await redis.zadd(key, at.getTime(), `${at.getTime()}-${Math.random().toString(36).slice(2, 8)}`);
        await redis.zremrangebyscore(key, '-inf', at.getTime() - 86_400_000);
      }),
    startsSince: (environment, since) => call('counting remediations', () => redis.zcount(k('starts', environment), since.getTime(), '+inf')),
    failures: (alertKey) => call('reading remediation failures', async () => Number((await redis.hget(k('failures'), alertKey)) ?? 0)),
    addFailure: (alertKey) => call('counting a remediation failure', () => redis.hincrby(k('failures'), alertKey, 1)),
    clearFailures: (alertKey) => call('clearing remediation failures', async () => void (await redis.hdel(k('failures'), alertKey))),
    noteOnce: (alertKey, note, ttlMs) => call('noting a remediation wait', async () => (await redis.set(k('noted', alertKey, note), '1', 'PX', ttlMs, 'NX')) === 'OK'),
    hasNote: (alertKey, note) => call('reading a remediation note', async () => (await redis.exists(k('noted', alertKey, note))) === 1),
    endedAt: (alertKey) => call('reading when a remediation ended', async () => (await redis.hget(k('ended'), alertKey)) ?? undefined),
    setEndedAt: (alertKey, at) => call('recording when a remediation ended', async () => void (await redis.hset(k('ended'), alertKey, at))),
    pause: (scope, pause) => call('pausing remediation', async () => void (await redis.hset(k('paused'), scope, JSON.stringify(pause)))),
    resume: (scope) => call('resuming remediation', async () => (await redis.hdel(k('paused'), scope)) > 0),
    pauses: () =>
      call('reading remediation pauses', async () =>
        Object.fromEntries(Object.entries(await redis.hgetall(k('paused'))).map(([s, v]) => [s, JSON.parse(v) as RemediationPause])),
      ),
    follow: (job) => call('following a job', async () => void (await redis.hset(k('followed'), job.jobId, JSON.stringify(job)))),
    followed: () => call('reading followed jobs', async () => Object.values(await redis.hgetall(k('followed'))).map((v) => JSON.parse(v) as FollowedJob)),
    unfollow: (jobId) => call('unfollowing a job', async () => void (await redis.hdel(k('followed'), jobId))),
  };
}
