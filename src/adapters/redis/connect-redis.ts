import { Redis, type RedisOptions } from 'ioredis';

/**
 * Opens an ioredis connection for one role. Producers fail fast when Redis is away (a user is
 * waiting for an answer); blocking consumers (BullMQ workers, queue events) wait and reconnect
 * by themselves, as BullMQ requires (`maxRetriesPerRequest: null`).
 */
export function connectRedis(url: string, role: 'producer' | 'consumer', opts: { commandTimeoutMs?: number } = {}): Redis {
  const common: RedisOptions = {
    // Reconnect forever, but never wait more than 2 s between attempts, so a restarted Redis is
    // picked up quickly.
    retryStrategy: (times) => Math.min(200 * times, 2000),
    lazyConnect: false,
    connectionName: `devbot-${role}`,
  };
  const roleOptions: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: opts.commandTimeoutMs ?? 1500 }
      : { maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new Redis(url, { ...common, ...roleOptions });
  // Errors surface on the calls that fail; without a listener ioredis would print each
  // reconnection attempt as an unhandled 'error' event.
  redis.on('error', () => {});
  return redis;
}

/** Resolves when the connection is ready, or rejects after `timeoutMs`. */
export async function waitForRedisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
