import type { Logger } from '../log.js';
import { FencedError, type LockHolder, type LockStanding, type Locks } from '../ports/locks.js';
import { ConflictError } from '../errors.js';

/** While a job runs its lock lives this long, refreshed every third of it: a dead worker's lock soon expires. */
export const RUNNING_LOCK_TTL_MS = 30_000;

export interface HeldLock {
  /** This run's fencing token: larger than that of every earlier run on the target. */
  readonly fence: number;
  /** Where this run stood at the last look: 'held' until a renewal found otherwise. */
  standing(): LockStanding;
  /**
   * Asks the lock store now (extending the lock): resolves while this run holds it, throws
   * FencedError once another run of the job took it over or the lock is gone. UpstreamError when
   * Redis does not answer. Call it right before a call that changes the cluster.
   */
  verify(): Promise<void>;
  /** Stops refreshing and deletes the lock (if this run still holds it). */
  release(): Promise<void>;
  /**
   * Stops refreshing but leaves the lock: the job goes on in another run under the same job id,
   * which took the lock over (else it expires).
   */
  abandon(): void;
}

export function fencedError(holder: Pick<LockHolder, 'target' | 'jobId'>, standing: Exclude<LockStanding, 'held'>): FencedError {
  return standing === 'superseded'
    ? new FencedError(`Another run of job ${holder.jobId} took over ${holder.target} (this worker was presumed lost): this run stops here.`, 'superseded')
    : new FencedError(
      `Job ${holder.jobId} lost its lock on ${holder.target} (it expired, or another job holds it now), so it stopped before its next step. The steps above are what was done; check ${holder.target} before running it again.`,
      'lost',
    );
}

/**
 * Holds a job's lock while one run of it runs: takes it over with a fresh fencing token (a resumed
 * job takes back its own), refreshes it, and releases it when the run ends however it ends (or
 * abandons it when the job moved elsewhere). When a refresh finds the lock superseded or lost,
 * refreshing stops and `onLost` is told at once, so the run stops at its next step boundary.
 */
export async function holdLock(locks: Locks, holder: Omit<LockHolder, 'fence'>, opts: { log: Logger; onLost(e: FencedError): void }): Promise<HeldLock> {
  const got = await locks.takeOver(holder, RUNNING_LOCK_TTL_MS);
  if (!got.acquired) {
    throw new ConflictError(`${holder.target} is locked by <@${got.holder.user}> (job ${got.holder.jobId}, \`/dev ${got.holder.text}\`) since ${got.holder.since}.`);
  }
  let standing: LockStanding = 'held';
  const renew = async () => {
    const now = await locks.renew(holder.target, holder.jobId, got.fence, RUNNING_LOCK_TTL_MS);
    if (now === 'held' || standing !== 'held') return;
    standing = now;
    clearInterval(timer);
    opts.log.warn({ target: holder.target, fence: got.fence, standing: now }, 'lock lost while the job runs; stopping at the next step');
    opts.onLost(fencedError(holder, now));
  };
  const timer = setInterval(() => {
    renew().catch((err: unknown) => opts.log.warn({ err }, 'could not refresh the lock'));
  }, RUNNING_LOCK_TTL_MS / 3);
  timer.unref();
  return {
    fence: got.fence,
    standing: () => standing,
    async verify() {
      if (standing === 'held') await renew();
      if (standing !== 'held') throw fencedError(holder, standing);
    },
    abandon: () => clearInterval(timer),
    async release() {
      clearInterval(timer);
      await locks.release(holder.target, holder.jobId, got.fence).catch((err: unknown) => opts.log.warn({ err }, 'could not release the lock (it will expire)'));
    },
  };
}
