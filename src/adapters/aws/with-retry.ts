import { isTransient } from './aws-errors.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Backoff before the n-th retry: a random delay up to min(maxDelayMs, baseDelayMs · 2ⁿ) ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How to wait; tests pass one that does not. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then sees the abort). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 400, maxDelayMs: 8000, sleep, random: Math.random };

/**
 * Runs an AWS call, retrying throttling, 5xx and network errors with exponential backoff. The
 * SDK's own retries are turned off (maxAttempts 1) so that this is the one retry policy, visible
 * and testable. Stops early when `signal` aborts; other errors are thrown at once.
 */
export async function withRetry<T>(call: (signal?: AbortSignal) => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(signal);
    } catch (e) {
      if (attempt >= policy.attempts || !isTransient(e) || signal?.aborted) throw e;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      await policy.sleep(Math.round(policy.random() * cap), signal);
      if (signal?.aborted) throw e;
    }
  }
}
