import type { Redis } from 'ioredis';
import type { UsergroupCache } from '../../ports/usergroups.js';
import { redisCall } from './redis-call.js';

/** A group nobody asked about for a day is forgotten; the next question reads it from Slack again. */
const IDLE_TTL_SEC = 24 * 3600;

/**
 * Slack user group members in Redis, shared by every serve replica and worker: a Redis set of
 * member ids per group (`<prefix>:usergroup:<id>:members`) beside the time it was read
 * (`…:read-at`). A group is "cached" only with its read time, so a diff applied to a group never
 * read cannot pass for a full member list.
 */
export function createRedisUsergroupCache(redis: Redis, prefix: string): UsergroupCache {
  const members = (id: string) => `${prefix}:usergroup:${id}:members`;
  const readAtKey = (id: string) => `${prefix}:usergroup:${id}:read-at`;
  const handlesKey = `${prefix}:usergroups:handles`;
  return {
    async standing(user, ids) {
      if (ids.length === 0) return {};
      const rows = await redisCall('reading Slack user group members', async () => {
        const pipeline = redis.pipeline();
        for (const id of ids) pipeline.get(readAtKey(id)).sismember(members(id), user);
        return (await pipeline.exec()) ?? [];
      });
      const out: Record<string, { member: boolean; readAt: number }> = {};
      ids.forEach((id, i) => {
        const [readErr, readAt] = rows[2 * i] ?? [];
        const [memberErr, member] = rows[2 * i + 1] ?? [];
        if (readErr || memberErr || readAt === null || readAt === undefined) return;
        out[id] = { member: Number(member) === 1, readAt: Number(readAt) };
      });
      return out;
    },
    async readTimes(ids) {
      if (ids.length === 0) return {};
      const times = await redisCall('reading Slack user group read times', () => redis.mget(ids.map(readAtKey)));
      return Object.fromEntries(ids.flatMap((id, i) => (times[i] ? [[id, Number(times[i])]] : [])));
    },
    async write(id, list, readAt) {
      await redisCall('saving Slack user group members', async () => {
        const multi = redis.multi().del(members(id));
        if (list.length) multi.sadd(members(id), ...list).expire(members(id), IDLE_TTL_SEC);
        await multi.set(readAtKey(id), String(readAt), 'EX', IDLE_TTL_SEC).exec();
      });
    },
    async change(id, { added, removed }) {
      await redisCall('applying a Slack user group change', async () => {
        const multi = redis.multi();
        if (removed.length) multi.srem(members(id), ...removed);
        if (added.length) multi.sadd(members(id), ...added);
        await multi.exec();
      });
    },
    async handles() {
      const raw = await redisCall('reading Slack user group handles', () => redis.get(handlesKey));
      return raw ? (JSON.parse(raw) as { byHandle: Record<string, string>; readAt: number }) : undefined;
    },
    async writeHandles(byHandle, readAt) {
      await redisCall('saving Slack user group handles', () => redis.set(handlesKey, JSON.stringify({ byHandle, readAt }), 'EX', IDLE_TTL_SEC));
    },
  };
}
