import type { Redis } from 'ioredis';
import type { JobStateStore, ProgressState } from '../../ports/job-state.js';
import { redisCall } from './redis-call.js';

const KEEP_SECONDS = 24 * 3600;

/** Job progress as one JSON value per job, so whichever worker runs the job sees the same state. */
export function createRedisJobState(redis: Redis, prefix: string): JobStateStore {
  const keyOf = (jobId: string) => `${prefix}:progress:${jobId}`;
  return {
    async load(jobId) {
      const raw = await redisCall('loading the progress of a job', () => redis.get(keyOf(jobId)));
      return raw ? (JSON.parse(raw) as ProgressState) : undefined;
    },
    async save(state) {
      await redisCall('saving the progress of a job', () => redis.set(keyOf(state.jobId), JSON.stringify(state), 'EX', KEEP_SECONDS));
    },
  };
}
