/**
 * Database leader elections in etcd, interoperating with etcd's own protocol (Go's
 * clientv3/concurrency, `etcdctl elect`): each candidate puts `<prefix>/<lease id in hex>` with its
 * proposal as value, bound to its lease; the leader is the key with the lowest create revision.
 */

export interface Candidate {
  key: string;
  /** The candidate's name: the value itself, or its `name` field when the value is JSON. */
  name: string;
  /** The lease the key is bound to, as etcd reports it (decimal) and as keys spell it (hex). */
  leaseId: string;
  leaseHex: string;
  createRevision: number;
  /** From a JSON value's `healthy`; undefined when the candidate does not say (plain proposals). */
  healthy?: boolean;
  /** Every field of a JSON value (lagBytes, since, …), for previews and status. */
  fields: Record<string, unknown>;
}

export interface ElectionView {
  prefix: string;
  /** In line order: the leader first. */
  candidates: Candidate[];
  leader?: Candidate;
  /** The store revision at which this view was read. */
  revision: number;
}

/**
 * A run's fencing token (from its job's lock) and the etcd key that records the current one for
 * its target: a run whose token is no longer there may not change the election.
 */
export interface ElectionFence {
  key: string;
  token: number;
}

export interface Elections {
  /** Reads every candidate under `prefix`. Fails with UpstreamError('etcd') when no member answers in time. */
  read(prefix: string): Promise<ElectionView>;
  /** Revokes a lease, deleting every key bound to it. Fails with UpstreamError('etcd'). */
  revokeLease(leaseId: string): Promise<void>;
  /**
   * Makes `fence.token` the current token at `fence.key` (idempotent), unless a larger one is there
   * already: then FencedError, since a newer run took over. Fails with UpstreamError('etcd').
   */
  claimFence(fence: ElectionFence): Promise<void>;
  /**
   * Removes a candidate from the line, fenced: in one etcd transaction, only if `fence.key` still
   * holds `fence.token`, deletes the candidate's key (the next in line leads at once); then revokes
   * its lease so that its session ends (a lease already revoked is fine). FencedError, having
   * changed nothing, when the fence holds another token. Fails with UpstreamError('etcd').
   */
  removeCandidate(candidate: Pick<Candidate, 'key' | 'leaseId'>, fence: ElectionFence): Promise<void>;
  /**
   * Resolves with the first view whose leader is present and is not `oldKey`. Rejects with
   * UpstreamError when `timeoutMs` passes first, or when `signal` aborts.
   */
  waitForLeaderChange(prefix: string, oldKey: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ElectionView>;
  close(): Promise<void>;
}
