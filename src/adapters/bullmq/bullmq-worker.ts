import { UnrecoverableError, Worker } from 'bullmq';
import type { Deps } from '../../deps.js';
import { runJob } from '../../jobs/run-job.js';
import type { JobData } from '../../ports/queue.js';
import { connectRedis } from '../redis/connect-redis.js';

export interface WorkerHandle {
  close(): Promise<void>;
}

/**
 * Runs queued jobs with BullMQ. The lock is short so that a worker that dies mid-job is noticed
 * within seconds and the job is handed to another worker (stalled-job recovery).
 */
export function startBullmqWorker(deps: Deps): WorkerHandle {
  const { config } = deps;
  const connection = connectRedis(config.redis.url, 'consumer');
  const worker = new Worker<JobData>(
    config.jobs.queue,
    async (job, _token, signal) => {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const failure = await runJob(job.id ?? '?', job.data, deps, signal ?? new AbortController().signal, { final });
      if (failure) throw failure.retryable ? new Error(failure.message) : new UnrecoverableError(failure.message);
    },
    {
      connection,
      prefix: config.redis.prefix,
      concurrency: config.jobs.concurrency,
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 3,
    },
  );
  worker.on('error', (err) => deps.log.warn({ err }, 'worker connection problem (will reconnect)'));
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
