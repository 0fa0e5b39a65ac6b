/** One operation per target at a time (deploy gerrit, failover postgres, update the stack). */
import { ConflictError } from '../errors.js';

export interface LockHolder {
  /** What is locked, e.g. 'deploy:gerrit@prod'. */
  target: string;
  jobId: string;
  user: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The command, as typed, that holds it. */
  text: string;
  /** The fencing token of the run of the job that holds it now (absent until a run took it over). */
  fence?: number;
}

export type AcquireResult = { acquired: true } | { acquired: false; holder: LockHolder };

export type TakeOverResult = { acquired: true; fence: number } | { acquired: false; holder: LockHolder };

/**
 * Where a run stands with its lock: it still holds it; another run of the same job took it over
 * (this run was presumed dead and the job resumed elsewhere); or it is gone (expired, released,
 * or now another job's).
 */
export type LockStanding = 'held' | 'superseded' | 'lost';

/**
 * A run may no longer act on its target: its lock's fencing token is no longer the current one.
 * `standing` says why when the lock store was asked; a store that only compares tokens (the etcd
 * fence of a failover) cannot tell, and leaves it undefined.
 */
export class FencedError extends ConflictError {
  constructor(message: string, readonly standing?: Exclude<LockStanding, 'held'>) {
    super(message);
  }
}

export interface Locks {
  /** Takes the lock unless someone holds it; then returns who. Expires after `ttlMs` unless refreshed. Fails with UpstreamError('redis'). */
  acquire(holder: LockHolder, ttlMs: number): Promise<AcquireResult>;
  /**
   * Takes the lock for one run of `holder.jobId`: when it is free, or already the job's (taken when
   * the command came in, or held by an earlier run of the job whose worker stopped answering). The
   * run gets a fencing token larger than every token issued before it, kept in the lock: from then
   * on the earlier runs of the job find themselves 'superseded'. Refused, saying who holds it, when
   * another job holds it. Fails with UpstreamError('redis').
   */
  takeOver(holder: Omit<LockHolder, 'fence'>, ttlMs: number): Promise<TakeOverResult>;
  /**
   * Extends the lock by `ttlMs` if the run holding `fence` still holds it ('held'); otherwise
   * changes nothing and says where the run stands. Fails with UpstreamError('redis').
   */
  renew(target: string, jobId: string, fence: number, ttlMs: number): Promise<LockStanding>;
  /** Extends the lock if `jobId` still holds it; false when it was lost (expired, taken over). */
  refresh(target: string, jobId: string, ttlMs: number): Promise<boolean>;
  /**
   * Releases the lock if `jobId` holds it (and, when `fence` is given, only if the run holding that
   * token still does: a superseded run never frees its successor's lock); a no-op otherwise.
   */
  release(target: string, jobId: string, fence?: number): Promise<void>;
  /** Every lock held now. */
  list(): Promise<LockHolder[]>;
}
