import type { Redis } from 'ioredis';
import type { JobMessages } from '../../ports/job-messages.js';
import type { JobStateStore, ProgressState } from '../../ports/job-state.js';
import { redisCall } from './redis-call.js';

const KEEP_SECONDS = 24 * 3600;

/**
 * Job progress as one JSON value per job, so whichever worker runs the job sees the same state.
 * Once a state names its message, the message's channel and ts also lead back to the job (jobAt).
 */
export function createRedisJobState(redis: Redis, prefix: string): JobStateStore & JobMessages {
  const keyOf = (jobId: string) => `${prefix}:progress:${jobId}`;
  const atKey = (ref: { channel: string; ts: string }) => `${prefix}:progress-at:${ref.channel}:${ref.ts}`;
  return {
    async jobAt(ref) {
      return (await redisCall('finding the job of a message', () => redis.get(atKey(ref)))) ?? undefined;
    },
    async load(jobId) {
      const raw = await redisCall('loading the progress of a job', () => redis.get(keyOf(jobId)));
      return raw ? (JSON.parse(raw) as ProgressState) : undefined;
    },
    async save(state) {
      const { message } = state;
      await redisCall('saving the progress of a job', async () => {
        const write = redis.multi().set(keyOf(state.jobId), JSON.stringify(state), 'EX', KEEP_SECONDS);
        if (message?.ts) write.set(atKey(message), state.jobId, 'EX', KEEP_SECONDS);
        // A job posted in a mention's thread is that thread's job (the latest one, when several ran there).
        if (message?.ts && state.threadTs) write.set(atKey({ channel: message.channel, ts: state.threadTs }), state.jobId, 'EX', KEEP_SECONDS);
        const results = await write.exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (failed) throw failed;
      });
    },
  };
}
