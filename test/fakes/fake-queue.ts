import type { EnqueueResult, JobData, JobQueue, QueueCounts } from '../../src/ports/queue.js';

/** In-memory JobQueue: records what was queued; adds with a known id are no-ops, as in BullMQ. */
export function createFakeQueue(opts: { failWith?: Error } = {}): JobQueue & { jobs: Map<string, JobData> } {
  const jobs = new Map<string, JobData>();
  return {
    jobs,
    async enqueue(data, { jobId }): Promise<EnqueueResult> {
      if (opts.failWith) throw opts.failWith;
      const duplicate = jobs.has(jobId);
      if (!duplicate) jobs.set(jobId, data);
      return { id: jobId, duplicate };
    },
    async counts(): Promise<QueueCounts> {
      return { waiting: jobs.size, active: 0, delayed: 0, failed: 0, completed: 0, workers: 1 };
    },
    async get() {
      return undefined;
    },
    async list() {
      return [];
    },
    async cancel() {
      return 'unknown' as const;
    },
    async waitUntilFinished() {
      return { state: 'completed' as const };
    },
    async repeat() {},
    async unrepeat() {},
    async repeats() {
      return [];
    },
    async close() {},
  };
}
