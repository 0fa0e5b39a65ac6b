import { UpstreamError } from '../../src/errors.js';
import type { Candidate, ElectionFence, ElectionView, Elections } from '../../src/ports/elections.js';
import { FencedError } from '../../src/ports/locks.js';

/**
 * In-memory elections: candidates join in order (rising create revision); revoking a lease removes
 * its key; fences keep the largest token, as etcd's compare-and-set does. `joinOnRevoke` mimics
 * candidates that campaign again (at the back of the line) after losing their lease, as the
 * team's supervised containers do.
 */
export function createFakeElections(opts: { joinOnRevoke?: boolean } = {}): Elections & {
  join(prefix: string, name: string, fields?: Record<string, unknown>): Candidate;
  failReadsWith?: Error;
} {
  const byPrefix = new Map<string, Candidate[]>();
  let revision = 100;
  let lease = 7000;
  const listeners = new Set<() => void>();
  const fences = new Map<string, number>();
  const view = (prefix: string): ElectionView => {
    const candidates = [...(byPrefix.get(prefix) ?? [])].sort((a, b) => a.createRevision - b.createRevision);
    return { prefix, candidates, leader: candidates[0], revision };
  };
  const fake = {
    failReadsWith: undefined as Error | undefined,
    join(prefix: string, name: string, fields: Record<string, unknown> = {}): Candidate {
      const id = String(++lease);
      const c: Candidate = {
        key: `${prefix}/${BigInt(id).toString(16)}`, name, leaseId: id, leaseHex: BigInt(id).toString(16), createRevision: ++revision,
        healthy: typeof fields['healthy'] === 'boolean' ? (fields['healthy'] as boolean) : undefined, fields: { name, ...fields },
      };
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), c]);
      listeners.forEach((l) => l());
      return c;
    },
    async read(prefix: string) {
      if (fake.failReadsWith) throw fake.failReadsWith;
      return view(prefix);
    },
    async revokeLease(leaseId: string) {
      for (const [prefix, list] of byPrefix) {
        const gone = list.filter((c) => c.leaseId === leaseId);
        byPrefix.set(prefix, list.filter((c) => c.leaseId !== leaseId));
        if (opts.joinOnRevoke) for (const c of gone) fake.join(prefix, c.name, c.fields);
      }
      revision++;
      listeners.forEach((l) => l());
    },
    async claimFence(fence: ElectionFence) {
      const held = fences.get(fence.key);
      if (held !== undefined && held > fence.token) throw new FencedError(`A newer run (fencing token ${held}) took over ${fence.key}.`);
      fences.set(fence.key, fence.token);
    },
    async removeCandidate(candidate: Pick<Candidate, 'key' | 'leaseId'>, fence: ElectionFence) {
      if (fences.get(fence.key) !== fence.token) throw new FencedError(`${fence.key} does not hold token ${fence.token}.`);
      await fake.revokeLease(candidate.leaseId);
    },
    async waitForLeaderChange(prefix: string, oldKey: string, { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal }) {
      const giveUpAt = Date.now() + timeoutMs;
      for (;;) {
        signal?.throwIfAborted();
        const v = view(prefix);
        if (v.leader && v.leader.key !== oldKey) return v;
        if (Date.now() >= giveUpAt) throw new UpstreamError(`No new leader appeared under ${prefix} within ${Math.round(timeoutMs / 1000)} s.`, { service: 'etcd', retryable: false });
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, Math.min(50, giveUpAt - Date.now()));
          function done() {
            clearTimeout(t);
            listeners.delete(done);
            resolve();
          }
          listeners.add(done);
        });
      }
    },
    async close() {},
  };
  return fake;
}
