import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { UpstreamError } from '../../errors.js';
import { EnqueueUnconfirmedError, type EnqueueResult, type JobData, type JobQueue, type JobState, type JobSummary, type QueueCounts } from '../../ports/queue.js';
import { withDeadline } from '../../with-deadline.js';
import { connectRedis } from '../redis/connect-redis.js';
import { inOneWrite } from '../redis/one-write.js';

export interface BullmqQueueOptions {
  redisUrl: string;
  prefix: string;
  queueName: string;
  commandTimeoutMs: number;
}

/** How long finished jobs stay visible (for `/dev jobs`, retries and dedupe of Slack retries). */
const KEEP_COMPLETED = { age: 24 * 3600, count: 1000 };
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 1000 };

/** An error reply from Redis itself (a refusal: the command was not applied), not a timeout or a lost connection. */
const isRedisAnswer = (e: unknown): e is Error => e instanceof Error && e.name === 'ReplyError';

/** Redis pub/sub channel on which workers hear which running job to abort. */
export function cancelChannel(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:cancel`;
}

function summarize(job: Job<JobData>, state: string): JobSummary {
  return {
    id: job.id ?? '?',
    kind: job.data.kind,
    target: job.data.target,
    user: job.data.requestedBy.user,
    text: job.data.text,
    state: (['waiting', 'delayed', 'active', 'completed', 'failed'].includes(state) ? state : state === 'prioritized' ? 'waiting' : 'unknown') as JobState,
    queuedAt: job.timestamp,
    startedAt: job.processedOn,
    finishedAt: job.finishedOn,
    failedReason: job.failedReason || undefined,
    data: job.data,
  };
}

/** The JobQueue port on BullMQ. Every call has a deadline so a dead Redis gives an answer, not a hang. */
export function createBullmqQueue(opts: BullmqQueueOptions): JobQueue {
  // A connection of its own, so a stalled enqueue holds up no lock or audit call.
  const connection = connectRedis(opts.redisUrl, 'producer', { commandTimeoutMs: opts.commandTimeoutMs });
  const queue = new Queue<JobData>(opts.queueName, { connection, prefix: opts.prefix });
  queue.on('error', () => {}); // surfaced by the failing call instead
  let events: Promise<QueueEvents> | undefined;
  let eventsConnection: Redis | undefined;

  /**
   * One QueueEvents for every wait, started from the stream's newest entry as of now rather than
   * from '$': its first XREAD goes out some time after waitUntilReady, and a job finishing in
   * between would otherwise never be heard of and its wait would run to the timeout.
   */
  const queueEvents = (): Promise<QueueEvents> =>
    (events ??= (async () => {
      const [newest] = await guard('reading the job events', () => connection.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1));
      eventsConnection = connectRedis(opts.redisUrl, 'consumer');
      const started = new QueueEvents(opts.queueName, { connection: eventsConnection, prefix: opts.prefix, lastEventId: newest?.[0] ?? '0' });
      started.on('error', () => {});
      await started.waitUntilReady();
      return started;
    })().catch((e: unknown) => {
      events = undefined;
      throw e;
    }));

  // One deadline over a whole call (several Redis commands): a user is waiting for the answer.
  const guard = <T>(what: string, call: () => Promise<T>): Promise<T> =>
    withDeadline(call(), opts.commandTimeoutMs, () => new UpstreamError(`Redis did not answer while ${what}; is it running at the configured DEVBOT_REDIS_URL?`, { service: 'redis' })).catch(
      (cause: unknown) => {
        if (cause instanceof UpstreamError) throw cause;
        throw new UpstreamError(`Redis failed while ${what}: ${(cause as Error).message}`, { service: 'redis', cause });
      },
    );

  return {
    async enqueue(data, { jobId, delayMs }): Promise<EnqueueResult> {
      // SET NX tells a first request from a retry; the add itself is idempotent by jobId, so a
      // request whose first attempt failed half-way still ends with exactly one job. The two are
      // independent, so they go out together: one round trip on the ack path, not two.
      let added = false;
      let refused: Error | undefined;
      // The dedupe key and the add in one socket write, one read back.
      inOneWrite(connection);
      const add = queue.add(data.kind, data, { jobId, delay: delayMs, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED }).then(
        () => void (added = true),
        (e: unknown) => {
          if (isRedisAnswer(e)) refused = e;
          throw e;
        },
      );
      const record = connection.set(`${opts.prefix}:req:${jobId}`, '1', 'EX', 24 * 3600, 'NX');
      try {
        const [fresh] = await withDeadline(Promise.all([record, add]), opts.commandTimeoutMs, () => new Error(`no answer within ${opts.commandTimeoutMs} ms`));
        return { id: jobId, duplicate: fresh === null };
      } catch (cause) {
        // Queued for sure, only whether it is a retry is not known.
        if (added) return { id: jobId, duplicate: false };
        if (refused) throw new UpstreamError(`Redis refused to queue the job: ${refused.message}`, { service: 'redis', cause: refused });
        // No answer in time, or the connection dropped: ioredis may still send the add (its
        // offline queue keeps a command past its timeout), so the job may land after all.
        throw new EnqueueUnconfirmedError(jobId, cause);
      }
    },

    async counts(): Promise<QueueCounts> {
      const [c, workers] = await guard(
        'counting jobs',
        () => Promise.all([queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'), queue.getWorkersCount()]),
      );
      return {
        waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0),
        active: c['active'] ?? 0,
        delayed: c['delayed'] ?? 0,
        failed: c['failed'] ?? 0,
        completed: c['completed'] ?? 0,
        workers,
      };
    },

    async get(jobId) {
      const job = await guard('looking up the job', () => queue.getJob(jobId));
      if (!job) return undefined;
      return summarize(job, await guard('reading the job state', () => job.getState()));
    },

    async list({ all, limit }) {
      const states = all ? (['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'] as const) : (['active', 'waiting', 'prioritized', 'delayed'] as const);
      const perState = await guard('listing jobs', () => Promise.all(states.map(async (st) => (await queue.getJobs([st], 0, limit - 1)).map((j) => summarize(j, st)))));
      return perState.flat().sort((a, b) => b.queuedAt - a.queuedAt).slice(0, limit);
    },

    async cancel(jobId, reason) {
      const job = await guard('looking up the job', () => queue.getJob(jobId));
      if (!job) return 'unknown';
      const state = await guard('reading the job state', () => job.getState());
      if (state === 'completed' || state === 'failed') return 'finished';
      if (state !== 'active') {
        // A waiting job can be removed outright; if a worker took it meanwhile, signal it instead.
        const removed = await guard('removing the job', () => job.remove().then(() => true, () => false));
        if (removed) return 'removed';
      }
      await guard('signalling the worker', () => connection.publish(cancelChannel(opts.prefix, opts.queueName), JSON.stringify({ jobId, reason })));
      return 'signalled';
    },

    async repeat(id, everyMs, data) {
      await guard('scheduling a repeating job', () =>
        queue.upsertJobScheduler(id, { every: everyMs }, { name: data.kind, data, opts: { removeOnComplete: true, removeOnFail: 50 } }),
      );
    },

    async unrepeat(id) {
      await guard('removing a repeating job', () => queue.removeJobScheduler(id));
    },

    async repeats() {
      const all = await guard('listing the repeating jobs', () => queue.getJobSchedulers());
      return all.map((s) => s.key);
    },

    async waitUntilFinished(jobId, timeoutMs) {
      const listening = await queueEvents();
      const job = await guard('looking up the job', () => queue.getJob(jobId));
      if (!job) throw new UpstreamError(`Job ${jobId} is not in the queue (expired or never queued).`, { service: 'redis', retryable: false });
      try {
        await job.waitUntilFinished(listening, timeoutMs);
        return { state: 'completed' as const };
      } catch (e) {
        const reason = (e as Error).message;
        if (/timed out/i.test(reason)) throw new UpstreamError(`Job ${jobId} did not finish within ${Math.round(timeoutMs / 1000)} s.`, { service: 'worker' });
        return { state: 'failed' as const, reason };
      }
    },

    async close() {
      await (await events?.catch(() => undefined))?.close();
      eventsConnection?.disconnect();
      await queue.close();
      connection.disconnect();
    },
  };
}
