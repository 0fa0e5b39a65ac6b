/**
 * When a service devbot depends on fails, the user gets a clear answer naming it, in time, and
 * the bot keeps serving the commands that do not need it: Redis down at startup, Redis killed
 * mid-run and restarted (the bot carries on by itself), etcd fully down, AWS throttling a stack
 * job. fleet answering 500 is checked at the adapter (the message a deploy job would show) until
 * the deploy job kind is wired into the bot.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createFleetScheduler } from '../../src/adapters/fleet/fleet-scheduler.js';
import { UpstreamError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { startFleetFake } from '../../tools/fleet-fake/index.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { DEV_AWS_YAML, startFakeAwsEndpoint, withAwsRetry, withEnv } from './fake-aws-endpoint.js';
import { restoreCluster, stopMembers } from '../harness/cluster-control.js';
import { startOwnRedis, type OwnRedis } from './own-redis.js';
import { deletePrefix, startReliabilityBot, type ReliabilityBot } from './reliability-bot.js';

/** The answer a user should get, and how fast: "~2 s", with a little room for a busy machine. */
const ANSWER_WITHIN_MS = 2500;

const jobIdOf = (text: string): string => {
  const id = /Queued as job (status-[0-9a-f]{10})/.exec(text)?.[1];
  if (!id) throw new Error(`not queued: ${text}`);
  return id;
};

/** The finished status report (the job's message first reads "Status of dev — running"). */
const isReport = (text: string): boolean => /^Status of dev/.test(text) && /etcd: \d+\/\d+ members up/.test(text);

/** Commands that do not need the broken service still answer as usual (soft: the test goes on to what follows). */
async function expectHelpAnswers(bot: ReliabilityBot): Promise<void> {
  const help = await bot.command('help');
  expect.soft(help.status).toBe(200);
  expect.soft(help.tookMs).toBeLessThan(ANSWER_WITHIN_MS);
  expect.soft(help.text).toMatch(/^Commands you may run in #dev-ops/);
}

/** A clear answer naming Redis, in time: not an internal error, not silence. */
async function expectRedisNamed(bot: ReliabilityBot, text: string): Promise<void> {
  const reply = await bot.command(text);
  expect(reply.status).toBe(200);
  expect(reply.tookMs, `${text} answered after ${reply.tookMs} ms`).toBeLessThan(ANSWER_WITHIN_MS);
  expect(reply.text).toMatch(/Redis/);
  expect(reply.text).not.toMatch(/internal error|Queued as job/);
}

describe('upstream failures: clear answers, and the bot keeps serving', () => {
  let bot: ReliabilityBot | undefined;
  let redis: OwnRedis | undefined;

  afterEach(async () => {
    // A test that failed while its Redis was down: the bot's connections close cleanly only against a live one.
    if (redis && !redis.running()) await redis.restart();
    await bot?.close();
    if (bot?.config.redis.url === inject('redisUrl')) await deletePrefix(bot.config.redis.url, bot.config.redis.prefix);
    await redis?.close();
    bot = undefined;
    redis = undefined;
  });

  it('Redis down at startup: /dev status and /dev jobs say Redis is unreachable within 2 s; /dev help still answers', async () => {
    const [closed] = await freePorts(1);
    bot = await startReliabilityBot({ redisUrl: `redis://127.0.0.1:${closed}` });
    await expectRedisNamed(bot, 'status');
    await expectRedisNamed(bot, 'jobs');
    await expectHelpAnswers(bot);
  });

  it('Redis killed mid-run: clear answers while it is down, and back to normal once it returns, without a restart of the bot', async () => {
    redis = await startOwnRedis();
    bot = await startReliabilityBot({ redisUrl: redis.url, worker: true });
    const b = bot;
    const before = jobIdOf((await b.command('status')).text);
    await b.waitForJobMessage(before, isReport);

    await redis.kill();
    await expectRedisNamed(b, 'status');
    await expectRedisNamed(b, 'locks');
    await expectHelpAnswers(b);

    await redis.restart();
    // The bot reconnects by itself (ioredis retries at most every 2 s); nothing tells us when.
    let after = '';
    await expect
      .poll(async () => {
        after = (await b.command('status')).text;
        return after;
      }, { timeout: 10_000, interval: 250 })
      .toMatch(/^Queued as job status-/);
    // ...and the worker too: the job runs and its report is posted.
    await b.waitForJobMessage(jobIdOf(after), (t) => isReport(t) && /queue: .*1 worker live/.test(t), 15_000);
  });

  it('etcd fully down: the status report says so within 2 s and still shows the queue; help and failover answer clearly', async () => {
    bot = await startReliabilityBot({ worker: true });
    const b = bot;
    // Warm up: the worker is running jobs before etcd goes.
    await b.waitForJobMessage(jobIdOf((await b.command('status')).text), isReport);
    try {
      await stopMembers(['e1', 'e2', 'e3']);
      const asked = Date.now();
      const jobId = jobIdOf((await b.command('status')).text);
      const report = await b.waitForJobMessage(jobId, isReport);
      const text = String(report.params['text']);
      expect(report.receivedAt - asked, 'report time').toBeLessThan(2000);
      expect(text).toMatch(/etcd: 0\/3 members up, leader none, quorum LOST/);
      expect(text.match(/: DOWN \(http:\/\/127\.0\.0\.1:\d+\) — cannot connect/g), text).toHaveLength(3);
      expect(text).toMatch(/queue: .*1 worker live/);
      // The databases, led through etcd, cannot be known now; the report must not say they are fine.
      expect(text).toMatch(/postgres: could not be read/);
      expect.soft(text, 'databases summary while etcd is down').not.toMatch(/all led/);

      await expectHelpAnswers(b);

      const failoverAsked = Date.now();
      const failover = await b.command('failover postgres');
      expect(failover.text).toMatch(/^Preparing a preview/);
      const refused = await b.fake.waitForCall('chat.postMessage', (c) => /failover postgres/.test(String(c.params['text'])) && c.receivedAt >= failoverAsked, 10_000);
      expect(refused.receivedAt - failoverAsked).toBeLessThan(5000);
      expect(String(refused.params['text'])).toMatch(/failed: etcd has no quorum .*Failover is refused/);
    } finally {
      await restoreCluster();
    }
  });

  it('fleet answering 500, or not at all: a clear error naming fleet within its deadline, and fine again once fleet is (adapter level)', async () => {
    const fleet = await startFleetFake({ machines: [{ name: 'main-a', metadata: { role: 'main' } }], containers: false });
    try {
      const scheduler = createFleetScheduler({ url: fleet.url, timeoutMs: 1000, log: silentLogger() });
      const failing = fleet.injectFailure({ kind: 'api', status: 500, message: 'etcd cluster unavailable' });
      const asked = Date.now();
      const error = await scheduler.units().then(() => undefined, (e: unknown) => e);
      expect(Date.now() - asked).toBeLessThan(ANSWER_WITHIN_MS);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).userFacing).toBe('fleet answered 500 to GET /fleet/v1/units: etcd cluster unavailable.');
      expect((error as UpstreamError).retryable).toBe(true);
      failing.clear();
      expect((await scheduler.machines()).map((m) => m.metadata)).toEqual([{ role: 'main' }]);

      const hanging = fleet.injectFailure({ kind: 'hang' });
      const hungAt = Date.now();
      await expect(scheduler.units()).rejects.toThrow(`fleet at ${fleet.url} did not answer GET /fleet/v1/units within 1000 ms.`);
      expect(Date.now() - hungAt).toBeLessThan(ANSWER_WITHIN_MS);
      hanging.clear();
      await expect(scheduler.units()).resolves.toEqual([]);
    } finally {
      await fleet.close();
    }
  });

  it('AWS throttling: /dev stack diff backs off, then says clearly to try again; other commands answer meanwhile; fine once AWS is', async () => {
    const aws = await startFakeAwsEndpoint();
    const credentials = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    try {
      await withEnv({ AWS_ENDPOINT_URL: aws.url, ...credentials }, async () => {
        // 3 tries, 1.4 s then 2.8 s apart: long enough to ask for other things meanwhile.
        bot = await startReliabilityBot({ worker: true, yaml: DEV_AWS_YAML, adjustDeps: withAwsRetry({ attempts: 3, baseDelayMs: 700, maxDelayMs: 3000, random: () => 1 }) });
        const b = bot;
        const stackJob = /^Queued as job (stack-[0-9a-f]{10})\.$/.exec((await b.command('stack diff')).text)?.[1];
        expect(stackJob).toBeDefined();

        // Meanwhile: the status report (whose stack part meets the same throttling) and help.
        const statusAsked = Date.now();
        const report = await b.waitForJobMessage(jobIdOf((await b.command('status')).text), isReport);
        expect(report.receivedAt - statusAsked, 'report time').toBeLessThan(2000);
        expect(String(report.params['text'])).toMatch(/stack: could not be read: AWS kept throttling devbot while describing stack devbot-dev/);
        expect(String(report.params['text'])).toMatch(/etcd: 3\/3 members up, leader e\d, quorum ok/);
        await expectHelpAnswers(b);
        expect((await b.deps.queue.get(stackJob!))?.state, 'the stack job, still backing off').toBe('active');

        const failed = await b.waitForJobMessage(stackJob!, (t) => / — failed /.test(t));
        expect(String(failed.params['text'])).toContain(
          'AWS kept throttling devbot while describing stack devbot-dev (Throttling: Rate exceeded), even after backing off. Try again in a minute.',
        );
        // Backed off and tried again (the status part's calls are in there too).
        expect(aws.actions.filter((a) => a === 'DescribeStacks').length).toBeGreaterThanOrEqual(3);

        aws.mode = 'no-stack';
        const again = /^Queued as job (stack-[0-9a-f]{10})\.$/.exec((await b.command('stack diff')).text)?.[1];
        expect(again).toBeDefined();
        // The job's message becomes the diff: a stack that does not exist yet would be created whole.
        await b.waitForJobMessage(again!, (t) => /^Stack devbot-dev does not exist yet: `\/dev stack create` would add \d+ resources\./m.test(t));
      });
    } finally {
      await aws.close();
    }
  });
});
