import type { Logger } from '../log.js';
import type { Locks } from '../ports/locks.js';
import { ConflictError } from '../errors.js';

/** While a job runs its lock lives this long, refreshed every third of it: a dead worker's lock soon expires. */
export const RUNNING_LOCK_TTL_MS = 30_000;

export interface HeldLock {
  /** Stops refreshing and deletes the lock (if this job still holds it). */
  release(): Promise<void>;
  /**
   * Stops refreshing but leaves the lock: the job goes on in another run under the same job id,
   * which takes the lock back as its own (else it expires).
   */
  abandon(): void;
}

/**
 * Holds a job's lock while it runs: takes it (a resumed job takes back its own), refreshes it,
 * and releases it when the job ends however it ends (or abandons it when the job moved elsewhere).
 */
export async function holdLock(locks: Locks, holder: Parameters<Locks['acquire']>[0], log: Logger): Promise<HeldLock> {
  const got = await locks.acquire(holder, RUNNING_LOCK_TTL_MS);
  if (!got.acquired) {
    throw new ConflictError(`${holder.target} is locked by <@${got.holder.user}> (job ${got.holder.jobId}, \`/dev ${got.holder.text}\`) since ${got.holder.since}.`);
  }
  const timer = setInterval(() => {
    locks.refresh(holder.target, holder.jobId, RUNNING_LOCK_TTL_MS).then(
      (held) => held || log.warn({ target: holder.target }, 'lock lost while the job runs'),
      (err: unknown) => log.warn({ err }, 'could not refresh the lock'),
    );
  }, RUNNING_LOCK_TTL_MS / 3);
  timer.unref();
  return {
    abandon: () => clearInterval(timer),
    async release() {
      clearInterval(timer);
      await locks.release(holder.target, holder.jobId).catch((err: unknown) => log.warn({ err }, 'could not release the lock (it will expire)'));
    },
  };
}
