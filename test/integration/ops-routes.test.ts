/**
 * The operators' view over real sockets: /healthz, /readyz and /metrics on the ops routes' own
 * loopback server, in `devbot serve` and `devbot worker` processes (never on the public Slack
 * port), and in-process against the harness's Redis, a closed port standing in for a dead Redis,
 * and the Slack Web API fake.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBullmqQueue } from '../../src/adapters/bullmq/bullmq-queue.js';
import { authorized, startDashboard } from '../../src/adapters/http/dashboard.js';
import { dashboardSchema } from '../../src/config/ops-schema.js';
import { createOpsRoutes, rememberSuccess } from '../../src/adapters/http/ops-routes.js';
import { startRoutesServer, type RunningServer } from '../../src/adapters/http/routes-server.js';
import { createPromMetrics } from '../../src/adapters/metrics/prom-metrics.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import type { JobData, JobQueue } from '../../src/ports/queue.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { startFleet, type Fleet } from '../harness/devbot-fleet.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
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

function memoryLog() {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { log, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/**
 * GET through a given local address: 127.0.0.2 is this machine too, but only a server bound to
 * every interface (not one bound to 127.0.0.1) answers there. Resolves with the status or the error code.
 */
function getVia(host: string, port: number, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

describe('devbot serve and devbot worker as processes', () => {
  let fleet: Fleet;
  let serve: DevbotProcess;
  let worker: DevbotProcess;
  const get = (port: number | undefined, path: string) => fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });

  beforeAll(async () => {
    fleet = await startFleet({ label: 'ops', redis: redisUrl, etcdEndpoints: inject('etcd').endpoints });
    [serve, worker] = await Promise.all([fleet.startServe('serve'), fleet.startWorker('worker')]);
    await fleet.waitForWorkers(1);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('serve keeps /metrics and /readyz off the public Slack port and answers them on its ops port', async () => {
    expect(serve.opsPort).toBeGreaterThan(0);
    expect(serve.opsPort).not.toBe(serve.port);
    expect((await get(serve.port, '/healthz')).status).toBe(200);
    expect((await get(serve.port, '/metrics')).status).toBe(404);
    expect((await get(serve.port, '/readyz')).status).toBe(404);
    const metrics = await get(serve.opsPort, '/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('devbot_queue_up 1');
    const ready = await get(serve.opsPort, '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ redis: 'ok', slack: 'ok' });
  });

  it('binds the ops routes of serve and worker to loopback only, while the Slack port is open', async () => {
    // The probe works: the Slack receiver listens on every interface and answers there.
    expect(await getVia('127.0.0.2', serve.port!, '/healthz')).toBe(200);
    for (const p of [serve, worker]) {
      expect(await getVia('127.0.0.1', p.opsPort!, '/healthz')).toBe(200);
      expect(await getVia('127.0.0.2', p.opsPort!, '/metrics')).toBe('ECONNREFUSED');
    }
  });

  it('counts a Slack Web API call that fails in devbot_slack_api_errors_total of the worker that made it', async () => {
    const series = 'devbot_slack_api_errors_total{method="chat.postMessage",code="channel_not_found"}';
    expect(await (await get(worker.opsPort, '/metrics')).text()).not.toContain(series);
    fleet.fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const ack = await fleet.command(serve, 'status', { triggerId: uniqueName('trig') });
    expect(ack.status).toBe(200);
    await fleet.fake.waitForCall('chat.postMessage', (c) => c.error === 'channel_not_found', 15_000);
    const valueOf = async () => (await (await get(worker.opsPort, '/metrics')).text()).split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1];
    await expect.poll(valueOf, { timeout: 10_000 }).toBe('1');
  });
});

describe('ops routes in-process, Slack failing', () => {
  const prefix = uniqueName('ops');
  const queueName = uniqueName('q');
  let fake: FakeSlackApi;
  let server: RunningServer;
  let queue: JobQueue;
  let origin: string;
  const metrics = createPromMetrics();
  const logs = memoryLog();

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    queue = queueFor(redisUrl, queueName, prefix);
    metrics.setQueueDepthCollector(() => queue.counts());
    const client = createWebClient({ token: 'xoxb-ops-test', apiUrl: fake.url, log: silentLogger(), retries: 0 });
    const routes = createOpsRoutes({
      checks: { redis: async () => void (await queue.counts()), slack: async () => void (await client.auth.test()) },
      metrics,
      log: logs.log,
    });
    server = await startRoutesServer({ routes, port: 0 });
    origin = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.close();
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

  it('GET /readyz is 503 naming slack as failing when auth.test fails, without echoing Slack, and logs why', async () => {
    fake.failNext('auth.test', { error: 'invalid_auth' });
    const res = await fetch(`${origin}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ redis: 'ok', slack: 'failing' });
    expect(text).not.toContain('invalid_auth');
    const logged = logs.entries().find((e) => e['msg'] === 'readiness check failing' && e['check'] === 'slack');
    expect(JSON.stringify(logged?.['err'])).toContain('invalid_auth');
  });

  it('GET /metrics shows commands, job durations and the real queue depth', async () => {
    await queue.enqueue(jobData('/dev status'), { jobId: uniqueName('job') });
    await queue.enqueue(jobData('/dev status --env dev'), { jobId: uniqueName('job') });
    metrics.commandHandled('status', 'queued');
    metrics.jobFinished('status', 'succeeded', 0.42);

    const res = await fetch(`${origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('devbot_commands_total{verb="status",outcome="queued"} 1');
    expect(text).toContain('devbot_job_duration_seconds_count{kind="status",outcome="succeeded"} 1');
    expect(text).toContain('devbot_job_duration_seconds_bucket{le="0.5",kind="status",outcome="succeeded"} 1');
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
  const logs = memoryLog();

  beforeAll(async () => {
    queue = queueFor(`redis://127.0.0.1:${await closedPort()}`, uniqueName('q'), uniqueName('ops'));
    const metrics = createPromMetrics({ queueDepthTimeoutMs: 500 });
    metrics.setQueueDepthCollector(() => queue.counts());
    const routes = createOpsRoutes({ checks: { redis: async () => void (await queue.counts()) }, metrics, log: logs.log });
    server = await startRoutesServer({ routes, port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.close();
    await queue?.close();
  });

  it('GET /readyz is 503 naming redis as failing, within 2 s, the reason only in the log', async () => {
    const started = Date.now();
    const res = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5000) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ redis: 'failing' });
    expect(logs.entries().find((e) => e['msg'] === 'readiness check failing' && e['check'] === 'redis')?.['err']).toBeTruthy();
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
