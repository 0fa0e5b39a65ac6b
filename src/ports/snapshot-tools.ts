/** What the worker's host does with a snapshot file: keep it for a while, inspect it, restore it into a throwaway etcd. */
import type { Readable } from 'node:stream';
import type { KeyCounts } from './etcd-snapshots.js';

/** A snapshot copied to the worker's disk; `remove()` deletes it (idempotent). */
export interface LocalSnapshot {
  path: string;
  remove(): Promise<void>;
}

/** What `etcdctl snapshot status` (and the file's own compaction record) say of a snapshot file. */
export interface SnapshotFileStatus {
  /**
   * The revision etcd restores the snapshot at: the highest revision among its keys (etcdctl's
   * "revision"), or its compaction revision when that is higher (a delete at the head of history
   * that a compaction removed), at least 1 (an empty key space).
   */
  revision: number;
  /** The highest revision among its keys, as etcdctl reports it. */
  keysRevision: number;
  /** The revision it was last compacted at, 0 when never. */
  compactRevision: number;
  /** etcd's own hash of the database (not a SHA-256). */
  hash: number;
  totalKeys: number;
  totalSizeBytes: number;
}

/** A one-member etcd started from a snapshot, on loopback ports, with its data in a temp directory. */
export interface RestoredEtcd {
  endpoint: string;
  /** Its revision once started: the snapshot's. */
  revision: number;
  /** Its keys, per top-level prefix. */
  countKeys(): Promise<KeyCounts>;
  /** Kills it and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface SnapshotTools {
  /** Streams `snapshot` into a temp file on the worker's disk. Fails with UpstreamError('backups'). */
  keep(snapshot: Readable): Promise<LocalSnapshot>;
  /**
   * `etcdctl snapshot status`. Fails with ConfigError when etcdctl is not installed on the worker's
   * host, UpstreamError('etcdctl', retryable: false) when it cannot read the file (corrupt, truncated).
   */
  inspect(file: string): Promise<SnapshotFileStatus>;
  /**
   * `etcdctl snapshot restore` into a temp directory (a new cluster token, one member), then starts
   * `etcd` on free loopback ports and resolves once it is healthy. Everything it started is removed
   * when it fails. ConfigError when etcd or etcdctl is not installed; UpstreamError('etcdctl') when
   * the restore or the start fails, with what the tool said.
   */
  restore(file: string, opts?: { signal?: AbortSignal }): Promise<RestoredEtcd>;
}
