import { UnrecoverableError, Worker } from 'bullmq';
import type { Deps } from '../../deps.js';
import { runJob } from '../../jobs/run-job.js';
import type { JobData } from '../../ports/queue.js';
import { connectRedis } from '../redis/connect-redis.js';
import { cancelChannel } from './bullmq-queue.js';

export interface WorkerHandle {
  close(): Promise<void>;
}

/**
 * Crash safety: a job's BullMQ lock lives 5 s and is renewed every 2.5 s; every worker checks for
 * jobs whose lock lapsed every 2.5 s. A worker killed mid-job therefore has its job picked up by
 * another within about 7.5 s (BullMQ's defaults take about 60 s).
 */
export const WORKER_TIMINGS = { lockDuration: 5_000, stalledInterval: 2_500, maxStalledCount: 3 } as const;

/** Runs queued jobs with BullMQ, and aborts running ones when `/dev cancel` asks, whichever process asked. */
export function startBullmqWorker(deps: Deps): WorkerHandle {
  const { config } = deps;
  const connection = connectRedis(config.redis.url, 'consumer');
  const subscriber = connectRedis(config.redis.url, 'consumer');
  const worker = new Worker<JobData>(
    config.jobs.queue,
    async (job, _token, signal) => {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const failure = await runJob(job.id ?? '?', job.data, deps, signal ?? new AbortController().signal, { final });
      if (failure) throw failure.retryable ? new Error(failure.message) : new UnrecoverableError(failure.message);
    },
    { connection, prefix: config.redis.prefix, concurrency: config.jobs.concurrency, ...WORKER_TIMINGS },
  );
  worker.on('error', (err) => deps.log.warn({ err }, 'worker connection problem (will reconnect)'));

  const channel = cancelChannel(config.redis.prefix, config.jobs.queue);
  subscriber.subscribe(channel).catch((err: unknown) => deps.log.error({ err }, 'cannot listen for cancellations'));
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    const { jobId, reason } = JSON.parse(raw) as { jobId: string; reason: string };
    // Only the worker running it finds it; the others ignore the message.
    if (worker.cancelJob(jobId, reason)) deps.log.info({ jobId, reason }, 'job cancellation signalled');
  });

  return {
    async close() {
      subscriber.disconnect();
      await worker.close();
      connection.disconnect();
    },
  };
}
