/**
 * The operators' view over real sockets: /healthz, /readyz and /metrics inside the real Bolt
 * receiver (as `devbot serve` runs them) and on the worker's own small server, against the
 * harness's Redis, a closed port standing in for a dead Redis, and the Slack Web API fake.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBullmqQueue } from '../../src/adapters/bullmq/bullmq-queue.js';
import { authorized, startDashboard } from '../../src/adapters/http/dashboard.js';
import { dashboardSchema } from '../../src/config/ops-schema.js';
import { createOpsRoutes, rememberSuccess } from '../../src/adapters/http/ops-routes.js';
import { startRoutesServer, type RunningServer } from '../../src/adapters/http/routes-server.js';
import { createPromMetrics } from '../../src/adapters/metrics/prom-metrics.js';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import type { JobData, JobQueue } from '../../src/ports/queue.js';
import { silentLogger } from '../../src/log.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { uniqueName } from '../harness/unique.js';

const redisUrl = inject('redisUrl');
const PASSWORD = 'correct-horse-battery';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function jobData(text: string): JobData {
  return {
    kind: 'status',
    payload: {},
    requestedBy: { user: 'U0OPS', channel: 'C0OPS', channelName: 'ops' },
    environment: 'dev',
    text,
    transport: { kind: 'slack' },
    requestedAt: new Date().toISOString(),
  };
}

const queueFor = (url: string, queueName: string, prefix: string): JobQueue =>
  createBullmqQueue({ redisUrl: url, prefix, queueName, commandTimeoutMs: 1500 });

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('ops routes in the Slack receiver (devbot serve)', () => {
  const prefix = uniqueName('ops');
  const queueName = uniqueName('q');
  let fake: FakeSlackApi;
  let slack: SlackApp;
  let queue: JobQueue;
  let origin: string;
  const metrics = createPromMetrics();

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    queue = queueFor(redisUrl, queueName, prefix);
    metrics.setQueueDepthCollector(() => queue.counts());
    const routes = createOpsRoutes({
      checks: {
        redis: async () => void (await queue.counts()),
        // `slack` is assigned below, before any request can arrive.
        slack: async () => void (await slack.app.client.auth.test()),
      },
      metrics,
    });
    slack = await createSlackApp({
      config: { slack: { port: 0, botToken: 'xoxb-ops-test', signingSecret: 'ops-secret', apiUrl: fake.url } },
      log: silentLogger(),
      handleCommand: async () => ({ text: 'ok', outcome: 'answered' }),
      routes,
    });
    await slack.start();
    origin = `http://127.0.0.1:${slack.port()}`;
  });

  afterAll(async () => {
    await slack?.stop();
    await queue?.close();
    await fake?.close();
  });

  it('GET /healthz answers 200 ok', async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('GET /readyz is 200 when Redis and Slack answer', async () => {
    const res = await fetch(`${origin}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ redis: 'ok', slack: 'ok' });
  });

  it('GET /readyz is 503 naming slack when auth.test fails', async () => {
    fake.failNext('auth.test', { error: 'invalid_auth' });
    const res = await fetch(`${origin}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { redis: string; slack: string; errors: Record<string, string> };
    expect(body).toMatchObject({ redis: 'ok', slack: 'failed' });
    expect(body.errors['slack']).toMatch(/invalid_auth/);
  });

  it('GET /metrics shows commands, job durations, Slack errors and the real queue depth', async () => {
    await queue.enqueue(jobData('/dev status'), { jobId: uniqueName('job') });
    await queue.enqueue(jobData('/dev status --env dev'), { jobId: uniqueName('job') });
    metrics.commandHandled('status', 'queued');
    metrics.jobFinished('status', 'succeeded', 0.42);
    metrics.slackError('chat.postMessage', 'channel_not_found');

    const res = await fetch(`${origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('devbot_commands_total{verb="status",outcome="queued"} 1');
    expect(text).toContain('devbot_job_duration_seconds_count{kind="status",outcome="succeeded"} 1');
    expect(text).toContain('devbot_job_duration_seconds_bucket{le="0.5",kind="status",outcome="succeeded"} 1');
    expect(text).toContain('devbot_slack_api_errors_total{method="chat.postMessage",code="channel_not_found"} 1');
    expect(text).toContain('devbot_queue_jobs{state="waiting"} 2');
    expect(text).toContain('devbot_queue_jobs{state="active"} 0');
    expect(text).toContain('devbot_queue_up 1');
    expect(text).toContain('process_cpu_user_seconds_total'); // default process metrics
  });

  it('never throws from the Metrics port, even on a NaN duration', () => {
    expect(() => metrics.jobFinished('status', 'failed', Number.NaN)).not.toThrow();
  });
});

describe('ops routes on the worker server, Redis down', () => {
  let server: RunningServer;
  let queue: JobQueue;
  let origin: string;

  beforeAll(async () => {
    queue = queueFor(`redis://127.0.0.1:${await closedPort()}`, uniqueName('q'), uniqueName('ops'));
    const metrics = createPromMetrics({ queueDepthTimeoutMs: 500 });
    metrics.setQueueDepthCollector(() => queue.counts());
    const routes = createOpsRoutes({ checks: { redis: async () => void (await queue.counts()) }, metrics });
    server = await startRoutesServer({ routes, port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.close();
    await queue?.close();
  });

  it('GET /readyz is 503 naming redis, within 2 s', async () => {
    const started = Date.now();
    const res = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5000) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { redis: string; errors: Record<string, string> };
    expect(body.redis).toBe('failed');
    expect(body.errors['redis']).toBeTruthy();
  });

  it('GET /metrics still answers quickly, with no stale depth and devbot_queue_up 0', async () => {
    const started = Date.now();
    const res = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5000) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('devbot_queue_up 0');
    expect(text).not.toMatch(/devbot_queue_jobs\{/);
  });

  it('GET /healthz is 200 all the same; unknown paths are 404', async () => {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/nope`)).status).toBe(404);
  });
});

describe('rememberSuccess', () => {
  it('skips the check for ttl after a success, never after a failure', async () => {
    let calls = 0;
    let fail = true;
    let now = 0;
    const check = rememberSuccess(async () => {
      calls += 1;
      if (fail) throw new Error('down');
    }, 30_000, () => now);
    await expect(check()).rejects.toThrow('down');
    await expect(check()).rejects.toThrow('down');
    fail = false;
    await check();
    await check();
    expect(calls).toBe(3);
    now = 30_000;
    await check();
    expect(calls).toBe(4);
  });
});

describe('job dashboard', () => {
  const redis = { url: redisUrl, prefix: uniqueName('dash'), commandTimeoutMs: 1500 };
  const queueName = uniqueName('q');
  let server: RunningServer | undefined;
  let origin: string;

  beforeAll(async () => {
    const dashboard = dashboardSchema.parse({ enabled: true, port: 0, user: 'ops', password: PASSWORD });
    server = await startDashboard({ dashboard, redis, queueNames: [queueName] });
    origin = `http://127.0.0.1:${server?.port}`;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('is off by default: nothing is started', async () => {
    const dashboard = dashboardSchema.parse(undefined);
    expect(dashboard.enabled).toBe(false);
    expect(await startDashboard({ dashboard, redis, queueNames: [queueName] })).toBeUndefined();
  });

  it('refuses to be enabled without a user and a long enough password', () => {
    const result = dashboardSchema.safeParse({ enabled: true, password: 'short' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['password', 'user']);
  });

  it('answers 401 with WWW-Authenticate without credentials', async () => {
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('answers 401 for a wrong password or a wrong user', async () => {
    expect((await fetch(`${origin}/`, { headers: { authorization: basic('ops', 'wrong-password-xx') } })).status).toBe(401);
    expect((await fetch(`${origin}/`, { headers: { authorization: basic('root', PASSWORD) } })).status).toBe(401);
    expect((await fetch(`${origin}/api/queues`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('serves the board and its API with the right credentials', async () => {
    const auth = { authorization: basic('ops', PASSWORD) };
    const page = await fetch(`${origin}/`, { headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const api = await fetch(`${origin}/api/queues`, { headers: auth });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(body.queues.map((q) => q.name)).toEqual([queueName]);
    expect(body.queues[0]?.readOnlyMode).toBe(true);
  });

  it('accepts only a well-formed Basic header with both parts right', () => {
    const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as never;
    expect(authorized(req(basic('ops', PASSWORD)), 'ops', PASSWORD)).toBe(true);
    expect(authorized(req(`Basic ${Buffer.from(`ops${PASSWORD}`).toString('base64')}`), 'ops', PASSWORD)).toBe(false);
    expect(authorized(req(basic('ops', `${PASSWORD}x`)), 'ops', PASSWORD)).toBe(false);
    expect(authorized(req(undefined), 'ops', PASSWORD)).toBe(false);
  });
});
