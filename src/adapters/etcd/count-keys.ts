import type { Etcd3 } from 'etcd3';
import type { KeyCounts } from '../../ports/etcd-snapshots.js';

const PAGE = 10_000;
const ALL = Buffer.from([0]);

/** `/registry/a` → `/registry`, `postgres/1` → `postgres`, `plain` → `plain`. */
export function topLevelPrefix(key: string): string {
  const from = key.startsWith('/') ? 1 : 0;
  const slash = key.indexOf('/', from);
  return slash === -1 ? key : key.slice(0, slash);
}

/**
 * Counts every key per top-level prefix, a page of keys (no values) at a time, at `revision` when
 * given (else now; with a revision every page reads the same point in time). `call` runs one page
 * request with its own deadline on a member of its choosing.
 */
export async function countKeys(call: <T>(what: string, fn: (client: Etcd3, deadline: Date) => Promise<T>) => Promise<T>, revision?: number, signal?: AbortSignal): Promise<KeyCounts> {
  const counts: KeyCounts = {};
  let from = ALL;
  let at = revision;
  for (;;) {
    signal?.throwIfAborted();
    const page = await call(`counting keys${at ? ` at revision ${at}` : ''}`, (client, deadline) =>
      client.kv.range({ key: from, range_end: ALL, keys_only: true, limit: PAGE, ...(at ? { revision: at } : {}) }, { deadline }),
    );
    // Without a revision of its own, the first page fixes one for the rest.
    at ??= Number(page.header.revision);
    for (const kv of page.kvs) {
      const prefix = topLevelPrefix(kv.key.toString());
      counts[prefix] = (counts[prefix] ?? 0) + 1;
    }
    const last = page.kvs.at(-1);
    if (!page.more || !last) return counts;
    from = Buffer.concat([last.key, Buffer.from([0])]);
  }
}
