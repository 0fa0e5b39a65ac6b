import type { Redis } from 'ioredis';
import type { AuditEntry, AuditLog } from '../../ports/audit.js';

/**
 * The audit trail as a Redis stream. Entries older than `retentionMs` are trimmed on every append
 * (XADD MINID ~), so retention costs nothing extra and the stream cannot grow without bound.
 */
export function createRedisAudit(redis: Redis, prefix: string, retentionMs: number, now: () => Date = () => new Date()): AuditLog {
  const key = `${prefix}:audit`;
  return {
    async append(entry) {
      const full: AuditEntry = { ...entry, at: entry.at ?? now().toISOString() };
      const minId = String(Math.max(0, now().getTime() - retentionMs));
      await redis.xadd(key, 'MINID', '~', minId, '*', 'entry', JSON.stringify(full));
    },
    async latest({ user, target, limit }) {
      const out: AuditEntry[] = [];
      let end = '+';
      // Read backwards in pages until enough entries match the filter.
      for (;;) {
        const page = await redis.xrevrange(key, end, '-', 'COUNT', 500);
        for (const [, fields] of page) {
          const entry = JSON.parse(fields[1] ?? '{}') as AuditEntry;
          if ((!user || entry.user === user) && (!target || entry.target === target)) out.push(entry);
          if (out.length >= limit) return out;
        }
        if (page.length < 500) return out;
        const lastId = page[page.length - 1]![0];
        const [ms, seq] = lastId.split('-').map(Number) as [number, number];
        end = seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}`;
      }
    },
  };
}
