/** Taking v3 snapshots of an environment's etcd, and reading it at a past revision (the drill compares the two). */
import type { Readable } from 'node:stream';
import { UpstreamError } from '../errors.js';

/** A snapshot being streamed from one member. */
export interface StreamingSnapshot {
  /** The member's name, as etcd knows it. */
  member: string;
  /** Whether it was a follower (preferred: a snapshot costs the leader nothing then). */
  role: 'follower' | 'leader';
  /** The member's revision when the snapshot was taken: the revision the snapshot holds. */
  revision: number;
  /** The snapshot's bytes as `etcdctl snapshot save` writes them (database, then its SHA-256). */
  stream: Readable;
}

/** Key counts per top-level prefix (`/registry/a` → `/registry`, `postgres/1` → `postgres`, `x` → `x`). */
export type KeyCounts = Record<string, number>;

/** The revision asked for is older than etcd's compaction: that history is gone. */
export class RevisionCompactedError extends UpstreamError {
  constructor(readonly revision: number, cause?: unknown) {
    super(`The live cluster has compacted its history past revision ${revision}, so it can no longer be read at that revision.`, { service: 'etcd', retryable: false, cause });
  }
}

export interface EtcdSnapshots {
  /**
   * Starts streaming a snapshot from a healthy member, a follower by preference, and resolves once
   * the first bytes arrived, with the revision the snapshot holds (the member's revision read just
   * before and just after the snapshot started; when writes moved it in between, it tries again).
   * Aborting `signal` stops the stream. Fails with UpstreamError('etcd') when no member is healthy
   * or the revision never held still.
   */
  take(opts?: { signal?: AbortSignal }): Promise<StreamingSnapshot>;
  /**
   * Counts the live cluster's keys per top-level prefix as they were at `revision`. Fails with
   * RevisionCompactedError when that history is compacted, UpstreamError('etcd') otherwise.
   */
  countKeysAt(revision: number, opts?: { signal?: AbortSignal }): Promise<KeyCounts>;
  close(): Promise<void>;
}
