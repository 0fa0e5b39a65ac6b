import type { Redis } from 'ioredis';
import type { BackupAttempt, BackupAttempts } from '../../ports/backup-attempts.js';
import { redisCall } from './redis-call.js';

const KEPT = 50;

/** Attempts as a capped Redis list per environment, newest first, shared by every worker. */
export function createRedisBackupAttempts(redis: Redis, prefix: string): BackupAttempts {
  const key = (environment: string) => `${prefix}:etcd-backup:attempts:${environment}`;
  return {
    record: (environment, attempt) =>
      redisCall('recording a backup attempt', async () => {
        await redis.multi().lpush(key(environment), JSON.stringify(attempt)).ltrim(key(environment), 0, KEPT - 1).exec();
      }),
    recent: (environment, limit = 10) =>
      redisCall('reading the backup attempts', async () => (await redis.lrange(key(environment), 0, limit - 1)).map((v) => JSON.parse(v) as BackupAttempt)),
  };
}
