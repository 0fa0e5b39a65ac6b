/**
 * The fencing part of the Locks port, one set of cases against the in-memory fake and the Redis
 * adapter on the run's real Redis: a run takes its job's lock over with a token larger than any
 * before it, and an earlier run of the job finds itself superseded.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectRedis } from '../../src/adapters/redis/connect-redis.js';
import { createRedisLocks } from '../../src/adapters/redis/redis-locks.js';
import type { LockHolder, Locks } from '../../src/ports/locks.js';
import { createFakeLocks } from '../fakes/fake-stores.js';
import { uniqueName } from '../harness/unique.js';

interface Subject {
  name: string;
  setup(): Promise<void>;
  /** Fresh locks, and a way to let `ms` pass as they see time. */
  locks(): { locks: Locks; elapse(ms: number): Promise<void> };
  teardown(): Promise<void>;
}

function fakeSubject(): Subject {
  return {
    name: 'in-memory fake',
    setup: async () => {},
    locks() {
      let clock = Date.parse('2026-03-01T10:00:00.000Z');
      return { locks: createFakeLocks(() => clock), elapse: async (ms) => void (clock += ms) };
    },
    teardown: async () => {},
  };
}

function redisSubject(): Subject {
  let redis: Redis;
  const prefixes: string[] = [];
  return {
    name: 'Redis adapter',
    async setup() {
      redis = connectRedis(inject('redisUrl'), 'producer');
      await redis.ping();
    },
    locks() {
      const prefix = uniqueName('fencing');
      prefixes.push(prefix);
      return { locks: createRedisLocks(redis, prefix), elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
    },
    async teardown() {
      for (const prefix of prefixes) {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
      }
      await redis.quit();
    },
  };
}

const holder = (jobId: string, over: Partial<LockHolder> = {}): Omit<LockHolder, 'fence'> => ({
  target: 'service/gerrit@prod', jobId, user: 'U_ALICE', since: '2026-03-01T10:00:00.000Z', text: 'deploy gerrit', ...over,
});
const TARGET = 'service/gerrit@prod';

describe.each([fakeSubject(), redisSubject()])('locks fencing contract: $name', (subject) => {
  beforeAll(() => subject.setup());
  afterAll(() => subject.teardown());

  it('takes over the lock its command took, with a token kept in the lock; refuses another job', async () => {
    const { locks } = subject.locks();
    expect(await locks.acquire(holder('job-1'), 60_000)).toEqual({ acquired: true });
    const run = await locks.takeOver(holder('job-1'), 60_000);
    expect(run).toEqual({ acquired: true, fence: expect.any(Number) });
    expect(await locks.list()).toEqual([{ ...holder('job-1'), fence: run.acquired && run.fence }]);
    expect(await locks.takeOver(holder('job-2', { user: 'U_BOB' }), 60_000)).toEqual({ acquired: false, holder: { ...holder('job-1'), fence: run.acquired && run.fence } });
  });

  it('gives a resumed run a larger token: the earlier run is superseded and cannot free the lock', async () => {
    const { locks } = subject.locks();
    const first = await locks.takeOver(holder('job-1'), 60_000);
    const second = await locks.takeOver(holder('job-1'), 60_000);
    if (!first.acquired || !second.acquired) throw new Error('not taken');
    expect(second.fence).toBeGreaterThan(first.fence);
    expect(await locks.renew(TARGET, 'job-1', first.fence, 60_000)).toBe('superseded');
    expect(await locks.renew(TARGET, 'job-1', second.fence, 60_000)).toBe('held');
    await locks.release(TARGET, 'job-1', first.fence);
    expect((await locks.list()).map((l) => l.fence)).toEqual([second.fence]);
    await locks.release(TARGET, 'job-1', second.fence);
    expect(await locks.list()).toEqual([]);
  });

  it('says lost once the lock expired or went to another job, and extends only while held', async () => {
    const { locks, elapse } = subject.locks();
    const run = await locks.takeOver(holder('job-1'), 500);
    if (!run.acquired) throw new Error('not taken');
    await elapse(300);
    expect(await locks.renew(TARGET, 'job-1', run.fence, 500)).toBe('held');
    await elapse(300);
    expect(await locks.renew(TARGET, 'job-1', run.fence, 500)).toBe('held');
    await elapse(650);
    expect(await locks.renew(TARGET, 'job-1', run.fence, 500)).toBe('lost');
    expect(await locks.acquire(holder('job-2'), 60_000)).toEqual({ acquired: true });
    expect(await locks.renew(TARGET, 'job-1', run.fence, 60_000)).toBe('lost');
    expect((await locks.list()).map((l) => l.jobId)).toEqual(['job-2']);
  });
});
