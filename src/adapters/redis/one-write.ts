import type { Redis } from 'ioredis';

/**
 * Sends the commands issued on `redis` until the next tick in one socket write (Node's documented
 * cork, then uncork on process.nextTick). A request's dedupe key and job go out together: one
 * write and one read instead of two, without auto-pipelining's per-batch objects.
 * Replies, their order and per-command timeouts are unchanged; commands ioredis holds in its
 * offline queue (not connected) are not affected.
 */
export function inOneWrite(redis: Redis): void {
  const socket = redis.stream as Redis['stream'] | undefined;
  if (!socket || socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}
