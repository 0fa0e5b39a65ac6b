import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/errors.js';
import type { HeldLock } from '../../../src/jobs/lock-heartbeat.js';
import { verifyThroughOutage } from '../../../src/jobs/verify-through-outage.js';
import { FencedError } from '../../../src/ports/locks.js';

/** A held lock whose verify() answers from `answers` in turn (an Error is thrown), then resolves. */
function lockAnswering(answers: Array<Error | 'held'>): HeldLock & { asked: number } {
  const lock = {
    fence: 7,
    asked: 0,
    standing: () => 'held' as const,
    async verify() {
      const a = answers[lock.asked++] ?? 'held';
      if (a !== 'held') throw a;
    },
    release: async () => undefined,
    abandon: () => undefined,
  };
  return lock;
}

const redisDown = () => new UpstreamError('Redis failed while renewing the lock on etcd@local: Connection is closed.', { service: 'redis' });

describe('verifyThroughOutage (the fence check right before a change)', () => {
  it('waits through Redis not answering, and resolves once it answers that the lock is held', async () => {
    const lock = lockAnswering([redisDown(), redisDown()]);
    await expect(verifyThroughOutage(lock, new AbortController().signal)).resolves.toBeUndefined();
    expect(lock.asked).toBe(3);
  });

  it('throws at once when the lock was taken over: that is a verdict, not an outage', async () => {
    const fenced = new FencedError('Another run of job etcd-1 took over etcd@local', 'superseded');
    const lock = lockAnswering([fenced]);
    await expect(verifyThroughOutage(lock, new AbortController().signal)).rejects.toBe(fenced);
    expect(lock.asked).toBe(1);
  });

  it('stops when the run is aborted meanwhile (its lease lapsed: another run resumes the job)', async () => {
    const lock = lockAnswering(Array.from({ length: 1000 }, redisDown));
    const aborted = new AbortController();
    const checking = verifyThroughOutage(lock, aborted.signal);
    aborted.abort('lease lost');
    await expect(checking).rejects.toBe('lease lost');
  });

  it('gives up with the last error past its bound: the lock may be gone by then whatever Redis says', async () => {
    const lock = lockAnswering(Array.from({ length: 1000 }, redisDown));
    await expect(verifyThroughOutage(lock, new AbortController().signal, 500)).rejects.toThrow(/Redis failed while renewing the lock/);
    expect(lock.asked).toBeGreaterThan(1);
  });

  it('does not retry other failures', async () => {
    const lock = lockAnswering([new UpstreamError('etcd said no', { service: 'etcd' })]);
    await expect(verifyThroughOutage(lock, new AbortController().signal)).rejects.toThrow('etcd said no');
    expect(lock.asked).toBe(1);
  });
});
