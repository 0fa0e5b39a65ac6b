import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamError } from '../errors.js';
import { RUNNING_LOCK_TTL_MS, type HeldLock } from './lock-heartbeat.js';

const RETRY_MS = 200;

/**
 * The fence check a kind makes right before it changes the cluster. Redis not answering (a
 * restart, a blip) is no verdict on the lock: ask again until Redis answers, so a short outage
 * does not fail a membership change half-way. The queue's lease decides meanwhile: when it lapses
 * the run's `signal` aborts and another run resumes the job. Past the lock's own lifetime the lock
 * may be gone whatever Redis says, so the last error is thrown then.
 */
export async function verifyThroughOutage(lock: HeldLock, signal: AbortSignal, boundMs = RUNNING_LOCK_TTL_MS): Promise<void> {
  const giveUpAt = Date.now() + boundMs;
  for (;;) {
    // Asked even when the run was cancelled: a cancelled run still records what it did, under its lock.
    try {
      return await lock.verify();
    } catch (e) {
      if (!(e instanceof UpstreamError) || e.service !== 'redis' || Date.now() + RETRY_MS > giveUpAt) throw e;
    }
    signal.throwIfAborted();
    // An abort ends the wait with the run's own reason (a lost lease, a cancel), as every wait does.
    await sleep(RETRY_MS, undefined, { signal }).catch(() => signal.throwIfAborted());
  }
}
