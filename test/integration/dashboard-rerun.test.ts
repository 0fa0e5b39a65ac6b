/**
 * The writable job dashboard (`dashboard.readOnly: false`) over HTTP, against the real bull-board
 * server that startDashboard starts, on the same queue as a real worker. bull-board cannot know who
 * clicks, so it must not run a job past the ACL, the Confirm step and the audit: retrying a
 * failed failover, duplicating a job, editing its data and bulk retries are refused, saying why;
 * a job that only reads may still be retried; re-running a failover is the Retry button in Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../../src/adapters/http/dashboard.js';
import type { RunningServer } from '../../src/adapters/http/routes-server.js';
import { dashboardSchema } from '../../src/config/ops-schema.js';
import { BOB, DAVE, DEV, startBot, type Bot } from './jobs-platform-bot.js';

const PASSWORD = 'dashboard-rerun-secret';
const AUTH = { authorization: `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('writable dashboard: no re-run past devbot', () => {
  let bot: Bot;
  let dashboard: RunningServer | undefined;
  let origin: string;
  let queue: string;
  /** A failover that failed after its first step. */
  let failedId: string;

  const put = (path: string) => fetch(`${origin}${path}`, { method: 'PUT', headers: AUTH });
  const runsOf = (target: string) => bot.failover.runs.filter((r) => r.target === target);
  const refusal = async (res: Response) => {
    const body = await res.text();
    return { status: res.status, message: body.startsWith('{') ? ((JSON.parse(body) as { message?: string }).message ?? '') : body };
  };

  beforeAll(async () => {
    bot = await startBot();
    queue = bot.deps.config.jobs.queue;
    dashboard = await startDashboard({
      dashboard: dashboardSchema.parse({ enabled: true, port: 0, user: 'ops', password: PASSWORD, readOnly: false }),
      redis: bot.deps.config.redis,
      queueNames: [queue],
    });
    origin = `http://127.0.0.1:${dashboard!.port}`;

    bot.failover.plan('pg-dash', { steps: ['prepare', 'apply'], pace: 0, failAt: 'apply', failWith: 'apply went wrong' });
    const ack = await bot.command(DAVE, 'failover pg-dash --yes', DEV);
    failedId = ack.jobId!;
    const msg = await bot.progressMessage(DEV, failedId);
    await bot.waitForUpdate(msg, (v) => v.text.includes(' — failed'));
    await bot.deps.queue.waitUntilFinished(failedId, 5_000);
  });

  afterAll(async () => {
    await dashboard?.close();
    await bot?.close();
  });

  it('refuses to retry a failed failover, saying why; it does not run again', async () => {
    const res = await put(`/api/queues/${queue}/${failedId}/retry`);
    const { status, message } = await refusal(res);
    expect(status).toBe(403);
    expect(message).toMatch(/^retry of a failover job is off on the dashboard: the dashboard cannot tell who you are/);
    expect(message).toContain('Use the Retry button on the job\'s message in Slack');
    await sleep(500);
    expect((await bot.deps.queue.get(failedId))?.state).toBe('failed');
    expect(runsOf('pg-dash')).toHaveLength(1);
  });

  it('reads paths as Express routes them: case, a trailing slash and encoding change nothing', async () => {
    const encoded = encodeURIComponent(failedId).replace(/-/g, '%2D');
    for (const path of [`/API/Queues/${queue}/${failedId}/RETRY`, `/api/queues/${queue}/${failedId}/retry/`, `/api/queues/${queue}/${encoded}/retry`]) {
      expect((await put(path)).status, path).toBe(403);
    }
    await sleep(500);
    expect(runsOf('pg-dash')).toHaveLength(1);
  });

  it('refuses adding (duplicating) a job, editing its data, and bulk retry or promote', async () => {
    const job = await bot.deps.queue.get(failedId);
    const add = await fetch(`${origin}/api/queues/${queue}/add`, {
      method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'failover', data: { ...job!.data, payload: { ...job!.data.payload, database: 'pg-added' } } }),
    });
    expect(await refusal(add)).toMatchObject({ status: 403, message: expect.stringMatching(/^adding or duplicating jobs is off/) });
    const edit = await fetch(`${origin}/api/queues/${queue}/${failedId}/update-data`, {
      method: 'PATCH', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ jobData: { ...job!.data, requestedBy: { ...job!.data.requestedBy, user: BOB } } }),
    });
    expect(edit.status).toBe(403);
    expect((await put(`/api/queues/${queue}/retry/failed`)).status).toBe(403);
    expect((await put(`/api/queues/${queue}/promote`)).status).toBe(403);
    await sleep(500);
    expect(runsOf('pg-added')).toEqual([]);
    expect(runsOf('pg-dash')).toHaveLength(1);
  });

  it('still serves reads and harmless changes, and retries a job that only reads', async () => {
    expect((await fetch(`${origin}/api/queues`, { headers: AUTH })).status).toBe(200);
    const status = await bot.deps.queue.enqueue(
      { kind: 'status', payload: { verb: 'status', environment: 'dev' }, requestedBy: { user: BOB, channel: DEV.id, channelName: DEV.name }, environment: 'dev', text: 'status', transport: { kind: 'slack' }, requestedAt: new Date().toISOString() },
      { jobId: `status-dash-${Date.now()}` },
    );
    await bot.deps.queue.waitUntilFinished(status.id, 10_000);
    expect((await put(`/api/queues/${queue}/${status.id}/retry`)).status).toBe(204);
    expect((await put(`/api/queues/${queue}/pause`)).ok).toBe(true);
    expect((await put(`/api/queues/${queue}/resume`)).ok).toBe(true);
  });

  it('the Retry button in Slack runs it again through the command path, as the one who clicked', async () => {
    const msg = await bot.progressMessage(DEV, failedId);
    expect(await bot.click(BOB, msg, 'Retry')).toMatch(/^Preparing a preview of `\/dev failover pg-dash --yes`/);
    // The preview job may already have asked for confirmation (its own entry, newer): find the command's.
    const entries = await bot.deps.audit.latest({ user: BOB, target: 'pg-dash', limit: 5 });
    expect(entries.find((e) => e.event === 'command')).toMatchObject({ event: 'command', decision: 'allowed', transport: 'slack' });
  });
});

describe('a finished job moved back to waiting outside devbot', () => {
  it('is refused by the worker, audited as denied, and does not run again', async () => {
    const { Queue, Job } = await import('bullmq');
    const bot = await startBot();
    const { prefix } = bot.deps.config.redis;
    const queue = new Queue(bot.deps.config.jobs.queue, { connection: { url: bot.deps.config.redis.url } as never, prefix });
    try {
      bot.failover.plan('pg-moved', { steps: ['prepare', 'apply'], pace: 0, failAt: 'apply', failWith: 'apply went wrong' });
      const ack = await bot.command(DAVE, 'failover pg-moved --yes', DEV);
      const id = ack.jobId!;
      await bot.deps.queue.waitUntilFinished(id, 5_000);
      // What bull-board's API, or anyone who can write to devbot's Redis, does: back to waiting.
      await (await Job.fromId(queue, id))!.retry('failed');
      const again = await bot.deps.queue.waitUntilFinished(id, 10_000);
      expect(again.state).toBe('failed');
      expect(again.reason).toMatch(/already finished; devbot does not run it again/);
      expect(bot.failover.runs.filter((r) => r.target === 'pg-moved')).toHaveLength(1);
      const [entry] = await bot.deps.audit.latest({ target: 'pg-moved', limit: 1 });
      expect(entry).toMatchObject({ event: 'denied', decision: 'denied', jobId: id, user: DAVE });
    } finally {
      await queue.close();
      await bot.close();
    }
  });
});
