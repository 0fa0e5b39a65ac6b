/** Where etcd snapshots are kept (S3, or a local directory), and how they are read back. */
import type { Readable } from 'node:stream';
import { UpstreamError } from '../errors.js';

/** A stored backup is not what was written (truncated, corrupted, not a whole snapshot): it must not be restored. */
export class BackupDamagedError extends UpstreamError {
  constructor(message: string) {
    super(message, { service: 'backups', retryable: false });
  }
}

/** One stored snapshot, as `/dev etcd backups` lists it and the drill and recovery plan use it. */
export interface BackupEntry {
  /** Where it is: `s3://bucket/key` or an absolute file path. */
  location: string;
  /** The key or file name, unique per backup: carries environment, time and revision. */
  name: string;
  environment: string;
  /** When the snapshot was taken (ISO). */
  takenAt: string;
  /** The cluster's revision when the snapshot was taken. */
  revision: number;
  sizeBytes: number;
  /** Hex SHA-256 of the snapshot bytes, recorded when it was written. */
  sha256: string;
  /** The member it was streamed from (name or id). */
  member: string;
}

export interface BackupWrite {
  environment: string;
  takenAt: Date;
  revision: number;
  member: string;
}

export interface Backups {
  /**
   * Stores a snapshot stream under a name made from `meta` and resolves once it is durably written,
   * with its size and SHA-256 (computed while streaming). Fails with UpstreamError('s3' | 'backups').
   */
  write(snapshot: Readable, meta: BackupWrite): Promise<BackupEntry>;
  /**
   * Every backup of `environment` (default: the environment this Backups was made for, as
   * `deps.backupsFor(env)` gives it), newest first; with `limit`, only the newest `limit`. A write
   * that never finished (no SHA-256 recorded) is not listed. Fails with UpstreamError.
   */
  list(environment?: string, opts?: { limit?: number }): Promise<BackupEntry[]>;
  /** Streams a stored backup back (to verify it, or restore it in a drill). Fails with UpstreamError. */
  read(entry: BackupEntry): Promise<Readable>;
  /** Deletes one backup (retention). Idempotent. Fails with UpstreamError. */
  remove(entry: BackupEntry): Promise<void>;
  /** Where backups go, in words (`s3://bucket/prefix/prod/`, `/var/lib/devbot/etcd-backups/prod/`), for messages. */
  describe(): string;
}
