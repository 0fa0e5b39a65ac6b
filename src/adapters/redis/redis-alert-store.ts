import type { Redis } from 'ioredis';
import type { AlertState, AlertStore, ChannelFailure } from '../../ports/alert-store.js';

/** Alert state in Redis hashes, so every worker (and a restarted one) sees the same alerts. */
export function createRedisAlertStore(redis: Redis, prefix: string): AlertStore {
  const states = `${prefix}:alerts:state`;
  const silences = `${prefix}:alerts:silence`;
  const snapshots = `${prefix}:alerts:snapshot`;
  const channelFailures = `${prefix}:alerts:channel-failure`;
  return {
    async load() {
      return Object.values(await redis.hgetall(states)).map((v) => JSON.parse(v) as AlertState);
    },
    async save(list) {
      if (list.length) await redis.hset(states, Object.fromEntries(list.map((s) => [s.key, JSON.stringify(s)])));
    },
    async remove(keys) {
      if (keys.length) await redis.hdel(states, ...keys);
    },
    async silence(key, until, by) {
      await redis.hset(silences, key, JSON.stringify({ until: until.toISOString(), by }));
    },
    async silences() {
      const now = Date.now();
      const all = Object.entries(await redis.hgetall(silences)).map(([k, v]) => [k, JSON.parse(v) as { until: string; by: string }] as const);
      const expired = all.filter(([, s]) => new Date(s.until).getTime() <= now).map(([k]) => k);
      if (expired.length) await redis.hdel(silences, ...expired);
      return Object.fromEntries(all.filter(([k]) => !expired.includes(k)));
    },
    async lastSnapshot(environment) {
      const raw = await redis.hget(snapshots, environment);
      return raw ? (JSON.parse(raw) as unknown) : undefined;
    },
    async saveSnapshot(environment, snapshot) {
      await redis.hset(snapshots, environment, JSON.stringify(snapshot));
    },
    async channelFailures() {
      const all = await redis.hgetall(channelFailures);
      return Object.fromEntries(Object.entries(all).map(([channel, v]) => [channel, JSON.parse(v) as ChannelFailure]));
    },
    async saveChannelFailure(failure) {
      await redis.hset(channelFailures, failure.channel, JSON.stringify(failure));
    },
    async clearChannelFailure(channel) {
      await redis.hdel(channelFailures, channel);
    },
  };
}
