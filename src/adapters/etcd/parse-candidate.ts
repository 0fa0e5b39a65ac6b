import type { Candidate } from '../../ports/elections.js';

/** One election key as etcd returns it. */
export interface RawCandidateKv {
  key: string;
  value: string;
  createRevision: number;
  lease: string;
}

/**
 * Reads a candidate's proposal: a plain name (`etcdctl elect postgres pg-2`) or JSON with health
 * fields (`{"name":"pg-2","healthy":true,"lagBytes":0}`).
 */
export function parseCandidate(kv: RawCandidateKv): Candidate {
  let fields: Record<string, unknown> = {};
  let name = kv.value.trim();
  if (name.startsWith('{')) {
    try {
      const parsed = JSON.parse(name) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        fields = parsed as Record<string, unknown>;
        if (typeof fields['name'] === 'string') name = fields['name'];
      }
    } catch {
      // Not JSON after all: the raw value is the name.
    }
  }
  const healthy = typeof fields['healthy'] === 'boolean' ? fields['healthy'] : undefined;
  return {
    key: kv.key,
    name: name || kv.key,
    leaseId: kv.lease,
    leaseHex: BigInt(kv.lease || '0').toString(16),
    createRevision: kv.createRevision,
    healthy,
    fields,
  };
}

/** Leader = lowest create revision; line order follows it. */
export function orderCandidates(kvs: RawCandidateKv[]): Candidate[] {
  return kvs.map(parseCandidate).sort((a, b) => a.createRevision - b.createRevision);
}
