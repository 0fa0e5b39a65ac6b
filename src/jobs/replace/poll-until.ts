import { setTimeout as sleep } from 'node:timers/promises';
import { RefusedError } from '../../errors.js';

/** A bound in words: seconds up to two minutes, then minutes. */
export const inWords = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/** One look: done with a value, or still waiting, with what was seen (in words). */
export type Look<T> = { done: T } | { waiting: string };

export interface PollOptions {
  timeoutMs: number;
  pollMs: number;
  signal: AbortSignal;
  log(line: string): void;
  /** The timeout's message, given what was seen last: what did not happen, and what to check. */
  timedOut(lastSeen: string): string;
}

/**
 * Looks until `look` says done, logging each change of what it sees once; throws RefusedError
 * with `timedOut(lastSeen)` when `timeoutMs` passes first. A look that fails (AWS or fleet did not
 * answer, after their own retries) counts as seen, not as the end: the bound decides.
 */
export async function pollUntil<T>(look: () => Promise<Look<T>>, o: PollOptions): Promise<T> {
  const giveUpAt = Date.now() + o.timeoutMs;
  let said = '';
  for (;;) {
    o.signal.throwIfAborted();
    const seen = await look().catch((e: unknown): Look<T> => {
      o.signal.throwIfAborted();
      return { waiting: `could not look (${e instanceof Error ? e.message : String(e)})` };
    });
    if ('done' in seen) return seen.done;
    if (seen.waiting !== said) o.log((said = seen.waiting));
    if (Date.now() + o.pollMs > giveUpAt) throw new RefusedError(o.timedOut(said));
    await sleep(o.pollMs, undefined, { signal: o.signal });
  }
}
