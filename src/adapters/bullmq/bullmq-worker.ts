import { UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { LEASE_LOST, runJob } from '../../jobs/run-job.js';
import type { JobData } from '../../ports/queue.js';
import { withDeadline } from '../../with-deadline.js';
import { connectRedis } from '../redis/connect-redis.js';
import { cancelChannel } from './bullmq-queue.js';

export interface WorkerHandle {
  close(): Promise<void>;
}

/** How long a graceful shutdown may wait for the jobs in hand and for Redis. */
const CLOSE_DEADLINE_MS = 10_000;

/**
 * Crash safety: a job's BullMQ lock lives 2 s and is renewed every 150 to 300 ms; every 300 ms one
 * worker moves the jobs whose lock lapsed back to the queue. A worker killed mid-job therefore has
 * its job picked up by another 1.7 to 2.3 s later (BullMQ's defaults take about 60 s).
 * The other side of the trade: the lock is renewed from the event loop, so a live worker whose
 * loop is blocked keeps its job only while renewal gap (block + 300 ms) < lock life (2 s). A block of
 * 1 s leaves 700 ms of margin (test/reliability/busy-worker-keeps-job.test.ts holds it).
 */
export const WORKER_TIMINGS = { lockDuration: 2_000, lockRenewTime: 300, stalledInterval: 300, maxStalledCount: 3 } as const;

/**
 * A running job whose lock was not renewed for this long may soon be another worker's. Counted from
 * when the renewal was *sent* (the lock then lives at least lockDuration from that moment), and a
 * check period short of lockDuration, so the run here stops before the lock can lapse.
 */
const LEASE_CHECK_MS = 250;
const LEASE_MS = WORKER_TIMINGS.lockDuration - LEASE_CHECK_MS;

/**
 * BullMQ's Worker, noting when each lock renewal it sends succeeds. `extendJobLocks` is the
 * method BullMQ's lock manager calls for every renewal ("public accessor for LockManager").
 */
class LeaseNotingWorker extends Worker<JobData> {
  onRenewed: (jobIds: string[], sentAt: number) => void = () => {};

  override async extendJobLocks(jobIds: string[], tokens: string[], duration: number): Promise<string[]> {
    const sentAt = Date.now();
    const failed = await super.extendJobLocks(jobIds, tokens, duration);
    this.onRenewed(jobIds.filter((id) => !failed.includes(id)), sentAt);
    return failed;
  }
}

/** Runs queued jobs with BullMQ, and aborts running ones when `/dev cancel` asks, whichever process asked. */
export function startBullmqWorker(deps: Deps): WorkerHandle {
  const { config } = deps;
  const connection = connectRedis(config.redis.url, 'consumer');
  const subscriber = connectRedis(config.redis.url, 'consumer');
  // When each running job's lock was last known renewed. BullMQ keeps renewing it; when it cannot
  // (Redis out of reach, the process frozen), the job may be resumed elsewhere once the lock lapses,
  // so the run here is stopped rather than left to do the same steps beside the resumed one.
  const leases = new Map<string, number>();
  const worker = new LeaseNotingWorker(
    config.jobs.queue,
    async (job, token, signal) => {
      const jobId = job.id ?? '?';
      leases.set(jobId, Date.now());
      try {
        const end = await runJob(jobId, job.data, deps, signal ?? new AbortController().signal);
        if (end.ended === 'handed-over' || (signal?.aborted && signal.reason === LEASE_LOST)) {
          // Still ours (Redis came back in time): hand it back now. Otherwise the stalled-job check
          // already gave it, or will give it, to a worker; either way BullMQ must not fail it.
          await job.moveToWait(token).catch(() => undefined);
          throw new WaitingError();
        }
        // Never retried by the queue (see RunEnd): the requester was told, and runs it again.
        if (end.ended === 'failed') throw new UnrecoverableError(end.message);
      } finally {
        leases.delete(jobId);
      }
    },
    { connection, prefix: config.redis.prefix, concurrency: config.jobs.concurrency, ...WORKER_TIMINGS },
  );
  worker.on('error', (err) => deps.log.warn({ err }, 'worker connection problem (will reconnect)'));
  const loseLease = (jobId: string, why: string) => {
    if (!leases.delete(jobId)) return;
    deps.log.warn({ jobId, why }, 'lost the lease on a running job; stopping it so that another run resumes it');
    worker.cancelJob(jobId, LEASE_LOST);
  };
  worker.onRenewed = (jobIds, sentAt) => {
    for (const jobId of jobIds) if (leases.has(jobId)) leases.set(jobId, Math.max(sentAt, leases.get(jobId)!));
  };
  worker.on('lockRenewalFailed', (jobIds) => jobIds.forEach((jobId) => loseLease(jobId, 'its lock belongs to no one or to another worker')));
  const leaseWatch = setInterval(() => {
    const now = Date.now();
    for (const [jobId, renewedAt] of leases) if (now - renewedAt > LEASE_MS) loseLease(jobId, `lock not renewed for ${now - renewedAt} ms`);
  }, LEASE_CHECK_MS);
  leaseWatch.unref();

  const channel = cancelChannel(config.redis.prefix, config.jobs.queue);
  subscriber.subscribe(channel).catch((err: unknown) => deps.log.error({ err }, 'cannot listen for cancellations'));
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    // Anyone who can publish on the channel can send anything: a bad message is logged and
    // ignored, never thrown inside ioredis's listener (which would take the worker down).
    const message = parseCancelMessage(raw);
    if (!message) return void deps.log.warn({ channel, message: raw.slice(0, 200) }, 'ignored a malformed cancellation message');
    // Only the worker running it finds it; the others ignore the message.
    if (worker.cancelJob(message.jobId, message.reason)) deps.log.info(message, 'job cancellation signalled');
  });

  return {
    async close() {
      clearInterval(leaseWatch);
      subscriber.disconnect();
      // A graceful close waits for Redis; with Redis gone it would wait forever, and SIGTERM would
      // do nothing. Past the deadline the connection is dropped: running jobs' locks lapse and
      // another worker resumes them, as after a crash.
      await withDeadline(worker.close(), CLOSE_DEADLINE_MS, () => new Error('close timed out')).catch((err: unknown) =>
        deps.log.warn({ err }, `worker did not close within ${CLOSE_DEADLINE_MS / 1000} s (Redis unreachable?); dropping its connection`),
      );
      connection.disconnect();
    },
  };
}

/** What JobQueue.cancel publishes on the cancel channel. */
const cancelMessageSchema = z.object({ jobId: z.string().min(1), reason: z.string() });

function parseCancelMessage(raw: string): z.infer<typeof cancelMessageSchema> | undefined {
  try {
    const parsed = cancelMessageSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
