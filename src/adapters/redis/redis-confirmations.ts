import type { Redis } from 'ioredis';
import type { Confirmations, PendingConfirmation } from '../../ports/confirmations.js';
import { redisCall } from './redis-call.js';

// Adds an approver only while the confirmation exists, its set expiring with it; nil once gone.
const APPROVE = `local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return false end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
return redis.call('SMEMBERS', KEYS[2])`;

/** Pending confirmations as Redis keys with the expiry as TTL; approvers in a set beside them. */
export function createRedisConfirmations(redis: Redis, prefix: string): Confirmations {
  const keyOf = (id: string) => `${prefix}:confirm:${id}`;
  const approversOf = (id: string) => `${prefix}:confirm:${id}:approvers`;
  const read = (raw: string | null | undefined) => (raw ? (JSON.parse(raw) as PendingConfirmation) : undefined);
  /** MULTI/EXEC replies, failing as a whole if any command failed. */
  const exec = async (what: string, multi: ReturnType<Redis['multi']>) =>
    redisCall(what, async () => {
      const replies = (await multi.exec()) ?? [];
      const failed = replies.find(([err]) => err);
      if (failed) throw failed[0];
      return replies.map(([, value]) => value);
    });
  return {
    async create(pending, ttlMs) {
      await exec('storing a confirmation', redis.multi().set(keyOf(pending.id), JSON.stringify(pending), 'PX', ttlMs).del(approversOf(pending.id)));
    },
    async get(id) {
      const [raw, approvers] = await exec('reading a confirmation', redis.multi().get(keyOf(id)).smembers(approversOf(id)));
      const pending = read(raw as string | null);
      return pending && { ...pending, approvers: approvers as string[] };
    },
    async attachMessage(id, message) {
      const pending = read(await redisCall('reading a confirmation', () => redis.get(keyOf(id))));
      // XX: if it was taken meanwhile, it stays gone (a plain SET would bring it back, without a TTL).
      if (pending) await redisCall('updating a confirmation', () => redis.set(keyOf(id), JSON.stringify({ ...pending, message }), 'KEEPTTL', 'XX'));
    },
    async approve(id, user) {
      const approvers = (await redisCall('recording an approval', () => redis.eval(APPROVE, 2, keyOf(id), approversOf(id), user))) as string[] | null;
      return approvers ?? undefined;
    },
    async take(id) {
      // One transaction: of two simultaneous clicks exactly one gets it, with every approval so far.
      const [raw, approvers] = await exec('taking a confirmation', redis.multi().getdel(keyOf(id)).smembers(approversOf(id)).del(approversOf(id)));
      const pending = read(raw as string | null);
      return pending && { ...pending, approvers: approvers as string[] };
    },
  };
}
