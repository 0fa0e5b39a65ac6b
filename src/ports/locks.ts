/** One operation per target at a time (deploy gerrit, failover postgres, update the stack). */

export interface LockHolder {
  /** What is locked, e.g. 'deploy:gerrit@prod'. */
  target: string;
  jobId: string;
  user: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The command, as typed, that holds it. */
  text: string;
}

export type AcquireResult = { acquired: true } | { acquired: false; holder: LockHolder };

export interface Locks {
  /** Takes the lock unless someone holds it; then returns who. Expires after `ttlMs` unless refreshed. Fails with UpstreamError('redis'). */
  acquire(holder: LockHolder, ttlMs: number): Promise<AcquireResult>;
  /** Extends the lock if `jobId` still holds it; false when it was lost (expired, taken over). */
  refresh(target: string, jobId: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock if `jobId` holds it; a no-op otherwise. */
  release(target: string, jobId: string): Promise<void>;
  /** Every lock held now. */
  list(): Promise<LockHolder[]>;
}
