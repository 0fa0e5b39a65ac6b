/**
 * One set of cases for the Slack user group cache (ports/usergroups.ts), against the in-memory
 * fake unit tests use and against the Redis adapter on the run's real Redis.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectRedis } from '../../src/adapters/redis/connect-redis.js';
import { createRedisUsergroupCache } from '../../src/adapters/redis/redis-usergroup-cache.js';
import type { UsergroupCache } from '../../src/ports/usergroups.js';
import { createMemoryUsergroupCache } from '../fakes/fake-usergroups.js';
import { uniqueName } from '../harness/unique.js';

let redis: Redis;
beforeAll(() => {
  redis = connectRedis(inject('redisUrl'), 'producer');
});
afterAll(() => {
  redis?.disconnect();
});

const subjects: Array<[string, () => UsergroupCache]> = [
  ['in-memory fake', () => createMemoryUsergroupCache()],
  ['Redis', () => createRedisUsergroupCache(redis, uniqueName('ugcache'))],
];

describe.each(subjects)('the user group cache (%s)', (_name, make) => {
  it('knows nothing of a group never read, even after a change to it', async () => {
    const cache = make();
    await cache.change('S0A', { added: ['U1'], removed: [] });
    expect(await cache.standing('U1', ['S0A'])).toEqual({});
    expect(await cache.readTimes(['S0A'])).toEqual({});
  });

  it('answers membership with the read time, and a write replaces the members', async () => {
    const cache = make();
    await cache.write('S0A', ['U1', 'U2'], 1000);
    await cache.write('S0B', [], 2000);
    expect(await cache.standing('U1', ['S0A', 'S0B', 'S0C'])).toEqual({ S0A: { member: true, readAt: 1000 }, S0B: { member: false, readAt: 2000 } });
    await cache.write('S0A', ['U2'], 3000);
    expect(await cache.standing('U1', ['S0A'])).toEqual({ S0A: { member: false, readAt: 3000 } });
    expect(await cache.readTimes(['S0A', 'S0B', 'S0C'])).toEqual({ S0A: 3000, S0B: 2000 });
  });

  it('applies a change to a read group, keeping its read time', async () => {
    const cache = make();
    await cache.write('S0A', ['U1'], 1000);
    await cache.change('S0A', { added: ['U3'], removed: ['U1'] });
    expect(await cache.standing('U1', ['S0A'])).toEqual({ S0A: { member: false, readAt: 1000 } });
    expect(await cache.standing('U3', ['S0A'])).toEqual({ S0A: { member: true, readAt: 1000 } });
  });

  it('keeps the handle map with its read time', async () => {
    const cache = make();
    expect(await cache.handles()).toBeUndefined();
    await cache.writeHandles({ 'sre-oncall': 'S0A' }, 5000);
    expect(await cache.handles()).toEqual({ byHandle: { 'sre-oncall': 'S0A' }, readAt: 5000 });
  });
});
