import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterNotReadyError } from '../../../ports/members.js';

/**
 * etcd wants its leader connected to every voter for 5 s before it accepts a membership change
 * (strict reconfiguration check): right after a member (re)started, or right after the previous
 * change, it says "unhealthy cluster". This bound covers that wait with room to spare.
 */
export const CHANGE_READY_MS = 15_000;

/**
 * Runs a membership change, trying again while etcd says the cluster is not ready for one, for up
 * to `timeoutMs`; `beforeEach` runs right before every attempt (the fence check). Other failures,
 * and the last refusal, are thrown.
 */
export async function whenReady<T>(change: () => Promise<T>, o: { timeoutMs: number; pollMs: number; signal: AbortSignal; log(line: string): void; beforeEach(): Promise<void> }): Promise<T> {
  const giveUpAt = Date.now() + o.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    o.signal.throwIfAborted();
    await o.beforeEach();
    try {
      return await change();
    } catch (e) {
      if (!(e instanceof ClusterNotReadyError) || Date.now() + o.pollMs > giveUpAt) throw e;
      if (attempt === 1) o.log(`${e.message} Trying again for up to ${Math.round(o.timeoutMs / 1000)} s.`);
    }
    await sleep(o.pollMs, undefined, { signal: o.signal });
  }
}
