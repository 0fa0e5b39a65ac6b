/**
 * The workspace's Slack rate budget (bottleneck clustered on the run's Redis) over the real Slack
 * adapter against the strict fake of the Web API: replicas share one budget, a 429 pauses all of
 * them, final states go before progress, waiting updates of one message collapse to the newest,
 * and blocks Slack refuses fall back to text. Operators see all of it on /metrics.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createOpsRoutes } from '../../src/adapters/http/ops-routes.js';
import { startRoutesServer } from '../../src/adapters/http/routes-server.js';
import { createPromMetrics } from '../../src/adapters/metrics/prom-metrics.js';
import { createRateBudget, type RateBudget } from '../../src/adapters/slack/rate-budget.js';
import { createRateBudgetView } from '../../src/adapters/slack/rate-budget-view.js';
import { createSlackChat } from '../../src/adapters/slack/slack-chat.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { silentLogger } from '../../src/log.js';
import { noMetrics, type Metrics } from '../../src/ports/metrics.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { promSample as sample } from '../harness/prom-text.js';
import { uniqueName } from '../harness/unique.js';

const log = silentLogger();

describe('Slack rate budget shared in Redis', () => {
  let fake: FakeSlackApi;
  let budgets: RateBudget[] = [];

  beforeAll(async () => {
    fake = await startFakeSlackApi({ strict: true });
  });
  afterEach(async () => {
    await Promise.all(budgets.map((b) => b.close()));
    budgets = [];
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function budgetFor(prefix: string, limits?: Parameters<typeof createRateBudget>[0]['limits'], metrics: Metrics = noMetrics): Promise<RateBudget> {
    const redis = new Redis(inject('redisUrl'));
    await new Promise((resolve) => redis.once('ready', resolve));
    const budget = createRateBudget({ redis, prefix, log, metrics, ...(limits ? { limits } : {}) });
    budgets.push(budget);
    return budget;
  }

  function chatFor(budget: RateBudget, metrics: Metrics = noMetrics) {
    return createSlackChat({ client: createWebClient({ token: 'xoxb-budget-test', apiUrl: fake.url, log }), log, metrics, budget });
  }

  it('two replicas posting 10 messages into one channel at once draw no 429: they share the per-channel budget', async () => {
    const prefix = uniqueName('budget');
    const [a, b] = [chatFor(await budgetFor(prefix)), chatFor(await budgetFor(prefix))];
    const channel = uniqueName('C');
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).post(channel, { text: `report ${i}` })));
    const calls = fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === channel);
    expect(calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(10);
    // 5 at once, then one a second: the floor the budget sets.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
  });

  it('a 429 seen by one replica holds the method on the other for its Retry-After', async () => {
    const prefix = uniqueName('budget');
    const [a, b] = [await budgetFor(prefix), await budgetFor(prefix)];
    await a.pause('chat.update', 1);
    const paused = Date.now();
    const ranAt = await b.run('chat.update', { channel: 'C1', priority: 5 }, async () => Date.now());
    expect(ranAt - paused).toBeGreaterThanOrEqual(900);
    // Another method is not held.
    const other = await b.run('chat.postEphemeral', { channel: 'C1', priority: 5 }, async () => Date.now());
    expect(other - ranAt).toBeLessThan(500);
  });

  it('final states go before progress updates waiting for the same budget', async () => {
    const budget = await budgetFor(uniqueName('budget'), { 'chat.update': { burst: 1, everyMs: 300 } });
    const order: string[] = [];
    const run = (name: string, priority: number) => budget.run('chat.update', { channel: 'C1', priority }, async () => void order.push(name));
    await run('first', 5);
    await Promise.all([run('progress 1', 7), run('progress 2', 7), run('final', 2), run('alert', 2)]);
    expect(order.slice(0, 3)).toEqual(['first', 'final', 'alert']);
  });

  it('progress updates cannot spend the whole chat.update budget: a final state still finds room at once', async () => {
    const budget = await budgetFor(uniqueName('budget'), { 'chat.update': { burst: 4, everyMs: 60_000 } });
    const ran: string[] = [];
    // Ten jobs' progress at once: only their share (half the burst) goes now, the rest wait a minute.
    for (let i = 0; i < 10; i++) void budget.run('chat.update', { channel: 'C1', priority: 7 }, async () => void ran.push(`progress ${i}`));
    await expect.poll(() => ran.length, { timeout: 5_000 }).toBe(2);
    const asked = Date.now();
    await budget.run('chat.update', { channel: 'C1', priority: 2 }, async () => void ran.push('final'));
    expect(Date.now() - asked).toBeLessThan(2_000);
    expect(ran.filter((r) => r.startsWith('progress'))).toHaveLength(2);
  });

  it('of several updates of one message waiting for their turn, only the newest is sent', async () => {
    const chat = chatFor(await budgetFor(uniqueName('budget'), { 'chat.update': { burst: 1, everyMs: 500 } }));
    const channel = uniqueName('C');
    const ref = await chat.post(channel, { text: 'step 0' });
    await chat.update(ref, { text: 'step 1' });
    // The budget is spent for the next 500 ms: these four wait, and collapse into one.
    await Promise.all([2, 3, 4, 5].map((n) => chat.update(ref, { text: `step ${n}` })));
    const texts = fake.callsTo('chat.update').filter((c) => c.params['ts'] === ref.ts).map((c) => c.params['text']);
    expect(texts).toEqual(['step 1', 'step 5']);
  });

  it('blocks Slack refuses (invalid_blocks) are sent again as text only, and counted', async () => {
    const rejected: string[] = [];
    const chat = chatFor(await budgetFor(uniqueName('budget')), { ...noMetrics, slackBlocksRejected: (method, code) => rejected.push(`${method} ${code}`) });
    const channel = uniqueName('C');
    const longSection = { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } };
    await chat.post(channel, { text: 'the report, as text', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Report' } }, longSection] });
    const calls = fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === channel);
    expect(calls.map((c) => c.error ?? 'ok')).toEqual(['invalid_blocks', 'ok']);
    expect(calls[1]?.params['blocks']).toBeUndefined();
    expect(calls[1]?.params['text']).toBe('the report, as text');
    expect(rejected).toEqual(['chat.postMessage invalid_blocks']);
  });

  it('/metrics shows the budget at work: calls sent and their waits, waiting by priority, a 429 and its backoff, superseded updates, shared', async () => {
    const metrics = createPromMetrics();
    const server = await startRoutesServer({ routes: createOpsRoutes({ checks: { redis: async () => undefined }, metrics }), port: 0 });
    const scrape = async () => (await fetch(`http://127.0.0.1:${server.port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    try {
      const limits = { 'chat.postMessage': { burst: 2, everyMs: 500 }, 'chat.update': { burst: 1, everyMs: 500 } };
      const chat = chatFor(await budgetFor(uniqueName('budget'), limits, metrics), metrics);
      const [channel, other] = [uniqueName('C'), uniqueName('C')];
      // All at once: a 429 that still comes back (held 3 s), six posts into one channel where two
      // fit the burst, and four updates of one message waiting behind a fifth.
      fake.failNext('chat.postEphemeral', { status: 429, retryAfter: 3 });
      const ephemeral = chat.postEphemeral(channel, 'U0METRICS', { text: 'only you' });
      const posts = Promise.all(Array.from({ length: 6 }, (_, i) => chat.post(channel, { text: `report ${i}` })));
      const updates = (async () => {
        const ref = await chat.post(other, { text: 'step 0' });
        await chat.update(ref, { text: 'step 1' });
        await Promise.all([2, 3, 4, 5].map((n) => chat.update(ref, { text: `step ${n}` })));
        return ref;
      })();
      // Seen while it happens (each at some scrape): posts waiting their turn, and the pause left.
      const seen = new Set<string>();
      await expect
        .poll(async () => {
          const text = await scrape();
          if ((sample(text, 'devbot_slack_budget_waiting', { method: 'chat.postMessage', priority: 'urgent' }) ?? 0) > 0) seen.add('posts waiting');
          if (sample(text, 'devbot_slack_429_total', { method: 'chat.postEphemeral' }) === 1 && (sample(text, 'devbot_slack_budget_backoff_seconds', { method: 'chat.postEphemeral' }) ?? 0) > 0) seen.add('backoff');
          return [...seen].sort();
        }, { timeout: 15_000, interval: 100 })
        .toEqual(['backoff', 'posts waiting']);
      const [, , ref] = await Promise.all([ephemeral, posts, updates]);

      const text = await scrape();
      expect(sample(text, 'devbot_slack_budget_sent_total', { method: 'chat.postMessage' })).toBe(7);
      expect(sample(text, 'devbot_slack_budget_sent_total', { method: 'chat.postEphemeral' })).toBe(1);
      expect(sample(text, 'devbot_slack_budget_wait_seconds_count', { method: 'chat.postMessage' })).toBe(7);
      // Two posts went at once; the sixth into the channel waited for four refills of 500 ms.
      expect(sample(text, 'devbot_slack_budget_wait_seconds_bucket', { method: 'chat.postMessage', le: '1' })).toBeLessThan(7);
      expect(sample(text, 'devbot_slack_budget_wait_seconds_sum', { method: 'chat.postMessage' })).toBeGreaterThan(2);
      expect(sample(text, 'devbot_slack_429_total', { method: 'chat.postEphemeral' })).toBe(1);
      // The call went again after its Retry-After: the pause is over.
      expect(sample(text, 'devbot_slack_budget_backoff_seconds', { method: 'chat.postEphemeral' })).toBeLessThan(1);
      // Steps 2, 3 and 4 were never sent: step 5 went for them.
      expect(sample(text, 'devbot_slack_updates_superseded_total', { method: 'chat.update' })).toBe(3);
      expect(fake.callsTo('chat.update').filter((c) => c.params['channel'] === other && c.params['ts'] === ref.ts).map((c) => c.params['text'])).toEqual(['step 1', 'step 5']);
      expect(sample(text, 'devbot_slack_budget_waiting', { method: 'chat.postMessage', priority: 'urgent' })).toBe(0);
      expect(sample(text, 'devbot_slack_budget_shared')).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("serve's view of the budget (for the ack) sees calls waiting: per channel for posts, workspace-wide for updates, and idle again after", async () => {
    const prefix = uniqueName('budget');
    const limits = { 'chat.postMessage': { burst: 1, everyMs: 700 }, 'chat.update': { burst: 1, everyMs: 700 } };
    const budget = await budgetFor(prefix, limits);
    const [busy, quiet] = [uniqueName('C'), uniqueName('C')];
    const view = createRateBudgetView({ redis: new Redis(inject('redisUrl')), prefix, log, channels: [busy, quiet], limits, refreshMs: 100 });
    try {
      const calls = (method: 'chat.postMessage' | 'chat.update', channel: string) =>
        Promise.all([1, 2, 3].map(() => budget.run(method, { channel, priority: 5 }, async () => undefined)));
      // One call spends each burst; the other two wait, in Redis, where serve's view reads them.
      const posts = calls('chat.postMessage', busy);
      await expect.poll(() => view.busyIn(busy), { timeout: 5_000, interval: 50 }).toMatchObject({ scope: 'channel' });
      expect(view.busyIn(busy)!.waitSec).toBeGreaterThanOrEqual(1);
      expect(view.busyIn(quiet)).toBeUndefined();
      await posts;
      await expect.poll(() => view.busyIn(busy), { timeout: 5_000, interval: 50 }).toBeUndefined();

      const updates = calls('chat.update', busy);
      await expect.poll(() => view.busyIn(quiet), { timeout: 5_000, interval: 50 }).toMatchObject({ scope: 'workspace' });
      await updates;
      await expect.poll(() => view.busyIn(quiet), { timeout: 5_000, interval: 50 }).toBeUndefined();
    } finally {
      view.stop();
    }
  });
});
