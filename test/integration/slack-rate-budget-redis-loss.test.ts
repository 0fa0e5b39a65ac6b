/**
 * The shared Slack rate budget without its Redis: the budget saves Slack from devbot, it must never
 * keep devbot's messages from Slack. Unreachable Redis, Redis killed while calls wait their turn,
 * and shutdown with calls in flight: every call still goes out, paced by the process's own copy of
 * the budget, none hangs, and nothing rejects unhandled (vitest fails the run on any that does).
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createPromMetrics } from '../../src/adapters/metrics/prom-metrics.js';
import { connectRedis } from '../../src/adapters/redis/connect-redis.js';
import { createRateBudget, type RateBudget } from '../../src/adapters/slack/rate-budget.js';
import { createSlackChat } from '../../src/adapters/slack/slack-chat.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { silentLogger } from '../../src/log.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { promSample } from '../harness/prom-text.js';
import { uniqueName } from '../harness/unique.js';
import { startOwnRedis, type OwnRedis } from '../reliability/own-redis.js';

const log = silentLogger();

describe('Slack rate budget when Redis is lost', () => {
  let fake: FakeSlackApi | undefined;
  let budget: RateBudget | undefined;
  let redis: OwnRedis | undefined;

  afterEach(async () => {
    await budget?.close();
    await fake?.close();
    await redis?.close();
    budget = fake = redis = undefined;
  });

  /** The budget on its own connection, as build-deps makes it (producer options, reconnecting forever). */
  function budgetOn(url: string, limits?: Parameters<typeof createRateBudget>[0]['limits']): RateBudget {
    budget = createRateBudget({ redis: connectRedis(url, 'producer', { commandTimeoutMs: 1500 }), prefix: uniqueName('budget-loss'), log, ...(limits ? { limits } : {}) });
    return budget;
  }

  it('Redis unreachable from the start: posts still go out at once, paced by the local budget, with no 429', async () => {
    fake = await startFakeSlackApi({ strict: true });
    const [closed] = await freePorts(1);
    const chat = createSlackChat({ client: createWebClient({ token: 'xoxb-loss', apiUrl: fake.url, log }), log, budget: budgetOn(`redis://127.0.0.1:${closed}`) });
    const channel = uniqueName('C');
    const started = Date.now();
    const first = await chat.post(channel, { text: 'report 0' });
    expect(first.ts).toBeTruthy();
    // Not held for Redis: the first call went out within the budget's short wait for a connection.
    expect(Date.now() - started).toBeLessThan(3_000);
    await Promise.all(Array.from({ length: 7 }, (_, i) => chat.post(channel, { text: `report ${i + 1}` })));
    const calls = fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === channel);
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(8);
  });

  it('Redis killed while calls wait their turn: they go out without it, promptly', async () => {
    redis = await startOwnRedis();
    const b = budgetOn(redis.url, { 'chat.update': { burst: 2, everyMs: 60_000 } });
    const ran: string[] = [];
    const call = (name: string) => b.run('chat.update', { channel: 'C1', priority: 5 }, async () => void ran.push(name));
    // The shared bucket holds 2 for a minute: 'first' and 'a' take them, 'b' and 'c' wait in Redis.
    const all = Promise.all([call('first'), call('a'), call('b'), call('c')]);
    await expect.poll(() => ran.length, { timeout: 5_000 }).toBe(2);
    const killedAt = Date.now();
    await redis.kill();
    // Moved to the local budget (a bucket of its own, full): they go out now, not in a minute.
    await all;
    expect(ran).toHaveLength(4);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
  }, 20_000);

  it('after a Redis restart the budget uses Redis again, and /metrics shows when it did not', async () => {
    redis = await startOwnRedis();
    const prefix = uniqueName('budget-back');
    const metrics = createPromMetrics();
    const shared = async () => promSample(await metrics.render(), 'devbot_slack_budget_shared');
    budget = createRateBudget({ redis: connectRedis(redis.url, 'producer', { commandTimeoutMs: 1500 }), prefix, log, metrics });
    const b = budget;
    await b.run('chat.postEphemeral', { channel: 'C1', priority: 5 }, async () => undefined);
    expect(await shared()).toBe(1);
    await redis.kill();
    // Degraded to the local budget: an operator sees it.
    await expect.poll(shared, { timeout: 10_000 }).toBe(0);
    // Down: the call goes out all the same.
    await expect(b.run('chat.postEphemeral', { channel: 'C1', priority: 5 }, async () => 'sent while down')).resolves.toBe('sent while down');
    await redis.restart();
    const check = new Redis(redis.url);
    try {
      // Back: the budget reconnects by itself (ioredis retries at most every 2 s) and keeps its bucket in Redis again.
      await expect
        .poll(async () => {
          await b.run('chat.update', { channel: 'C1', priority: 5 }, async () => undefined);
          return (await check.keys(`*${prefix}:slack:chat.update*`)).length;
        }, { timeout: 15_000, interval: 250 })
        .toBeGreaterThan(0);
      expect(await shared()).toBe(1);
    } finally {
      check.disconnect();
    }
  }, 30_000);

  it('closing with calls in flight and waiting: every call settles, close returns promptly, nothing rejects unhandled', async () => {
    redis = await startOwnRedis();
    const b = budgetOn(redis.url, { 'chat.update': { burst: 2, everyMs: 60_000 }, 'chat.postMessage': { burst: 1, everyMs: 60_000 } });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const calls = [
      b.run('chat.update', { channel: 'C1', priority: 5 }, () => slow.then(() => 'in flight')),
      b.run('chat.update', { channel: 'C1', priority: 5 }, async () => 'second'),
      b.run('chat.update', { channel: 'C1', priority: 7 }, async () => 'waiting'),
      b.run('chat.postMessage', { channel: 'C2', priority: 2 }, async () => 'posted'),
      b.run('chat.postMessage', { channel: 'C2', priority: 2 }, async () => 'post waiting'),
    ];
    // Let the first calls take their turns before the shutdown begins.
    await expect.poll(async () => (await Promise.race([calls[1], new Promise((r) => setTimeout(() => r('not yet'), 50))])) as string, { timeout: 5_000 }).toBe('second');
    const closing = Date.now();
    const closed = b.close();
    release();
    await closed;
    expect(Date.now() - closing).toBeLessThan(5_000);
    const results = await Promise.allSettled(calls);
    // Calls still waiting at shutdown moved to the local budget: with its fresh burst they went out.
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : `rejected: ${String(r.reason)}`))).toEqual(['in flight', 'second', 'waiting', 'posted', 'post waiting']);
    // A call after close goes out too.
    await expect(b.run('chat.postEphemeral', { channel: 'C1', priority: 5 }, async () => 'after close')).resolves.toBe('after close');
  }, 20_000);
});
