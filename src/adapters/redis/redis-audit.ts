import type { Redis } from 'ioredis';
import type { AuditEntry, AuditLog } from '../../ports/audit.js';
import { inOneWrite } from './one-write.js';
import { redisCall } from './redis-call.js';

const PAGE = 500;

/**
 * The audit trail as a Redis stream. Entries older than `retentionMs` are trimmed on every append
 * (XADD MINID ~), so retention costs nothing extra and the stream cannot grow without bound. `~`
 * trims whole stream nodes only, lazily, so reads also stop at the retention horizon: what a user
 * sees never depends on when Redis got round to trimming.
 */
export function createRedisAudit(redis: Redis, prefix: string, retentionMs: number, now: () => Date = () => new Date()): AuditLog {
  const key = `${prefix}:audit`;
  const horizon = () => String(Math.max(0, now().getTime() - retentionMs));
  return {
    async append(entry) {
      const full: AuditEntry = { ...entry, at: entry.at ?? now().toISOString() };
      // With the request's other commands on this connection (its lock), and the entries of every
      // request handled in this turn: one socket write, not one per entry.
      inOneWrite(redis);
      await redisCall('appending to the audit trail', () => redis.xadd(key, 'MINID', '~', horizon(), '*', 'entry', JSON.stringify(full)));
    },
    async latest({ user, target, limit }) {
      if (limit <= 0) return [];
      return redisCall('reading the audit trail', async () => {
        const out: AuditEntry[] = [];
        const oldest = horizon();
        let end = '+';
        // Read backwards in pages until enough entries match the filter.
        for (;;) {
          const page = await redis.xrevrange(key, end, oldest, 'COUNT', PAGE);
          for (const [, fields] of page) {
            const entry = JSON.parse(fields[1] ?? '{}') as AuditEntry;
            if ((!user || entry.user === user) && (!target || entry.target === target)) out.push(entry);
            if (out.length >= limit) return out;
          }
          if (page.length < PAGE) return out;
          const lastId = page[page.length - 1]![0];
          const [ms, seq] = lastId.split('-').map(Number) as [number, number];
          end = seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}`;
        }
      });
    },
  };
}
