import type { Redis } from 'ioredis';
import type { Confirmations, PendingConfirmation } from '../../ports/confirmations.js';

/** Pending confirmations as Redis keys with the expiry as TTL; approvers in a set beside them. */
export function createRedisConfirmations(redis: Redis, prefix: string): Confirmations {
  const keyOf = (id: string) => `${prefix}:confirm:${id}`;
  const approversOf = (id: string) => `${prefix}:confirm:${id}:approvers`;
  const read = (raw: string | null) => (raw ? (JSON.parse(raw) as PendingConfirmation) : undefined);
  return {
    async create(pending, ttlMs) {
      await redis.set(keyOf(pending.id), JSON.stringify(pending), 'PX', ttlMs);
    },
    async get(id) {
      const pending = read(await redis.get(keyOf(id)));
      return pending && { ...pending, approvers: await redis.smembers(approversOf(id)) };
    },
    async attachMessage(id, message) {
      const pending = read(await redis.get(keyOf(id)));
      if (pending) await redis.set(keyOf(id), JSON.stringify({ ...pending, message }), 'KEEPTTL');
    },
    async approve(id, user) {
      const ttl = await redis.pttl(keyOf(id));
      if (ttl <= 0) return undefined;
      await redis.multi().sadd(approversOf(id), user).pexpire(approversOf(id), ttl).exec();
      return redis.smembers(approversOf(id));
    },
    async take(id) {
      const pending = read(await redis.getdel(keyOf(id)));
      if (!pending) return undefined;
      const approvers = await redis.smembers(approversOf(id));
      await redis.del(approversOf(id));
      return { ...pending, approvers };
    },
  };
}
