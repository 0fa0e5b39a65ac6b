import { Redis, type RedisOptions } from 'ioredis';
import { redisTarget } from './redis-url.js';

/**
 * Opens an ioredis connection for one role. A producer's command waits for a (re)connection but
 * never longer than `commandTimeoutMs` (ioredis starts that timer before the offline queue), so a
 * user waiting for an answer gets one; blocking consumers (BullMQ workers, queue events) wait and
 * reconnect by themselves, as BullMQ requires (`maxRetriesPerRequest: null`).
 *
 * Not auto-pipelined: ioredis's auto-pipelining builds a Pipeline per batch and flushes it at
 * setImmediate, which at the ack path's usual one or two requests in flight cost more CPU than the
 * writes it saved, and its batch objects outlived young-generation collections (measured in
 * BENCHMARKS.md, slash-command ack).
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
      ? { maxRetriesPerRequest: 1, commandTimeout: opts.commandTimeoutMs ?? 1500 }
      : { maxRetriesPerRequest: null, enableReadyCheck: true };
  const target = redisTarget(url);
  const redis = typeof target === 'string' ? new Redis(target, { ...common, ...roleOptions }) : new Redis({ ...target, ...common, ...roleOptions });
  // Errors surface on the calls that fail; without a listener ioredis would print each
  // reconnection attempt as an unhandled 'error' event.
  redis.on('error', () => {});
  return redis;
}
