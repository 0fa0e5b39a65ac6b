import type { Redis } from 'ioredis';

/**
 * Sends the commands issued on `redis` for the rest of this turn of the event loop in one socket
 * write (Node's documented cork, then uncork in setImmediate, which runs once the turn's I/O
 * callbacks are done). A request's audit entry, dedupe key and job go out together; and with many
 * requests in flight, those of every request handled in the same turn share that write, so Redis
 * reads them at once too. That is auto-pipelining without its per-batch objects (see
 * connect-redis.ts). Replies, their order and per-command timeouts are unchanged; commands ioredis
 * holds in its offline queue (not connected) are not affected.
 */
export function inOneWrite(redis: Redis): void {
  const socket = redis.stream as Redis['stream'] | undefined;
  if (!socket || socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  setImmediate(() => socket.uncork());
}
