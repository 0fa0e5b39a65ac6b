import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../errors.js';
import type { JobContext, RunFence } from '../job-kind.js';
import { holdLock, type HeldLock } from '../lock-heartbeat.js';

/** `service/<svc>@<env>`: the lock a deploy or rollback of the service holds (commands/confirmation-policy.ts). */
export const serviceLockTarget = (service: string, environment: string): string => `service/${service}@${environment}`;

/**
 * Takes a service's deploy lock for this converge while it touches the service. A deploy (or
 * rollback) holding it is waited for, up to `waitMs`, polling every `pollMs` (the lock store has no
 * way to tell when a lock frees); then the service is given up with a ConflictError naming the holder.
 */
export async function holdServiceLock(
  ctx: Pick<JobContext, 'deps' | 'data' | 'jobId' | 'log' | 'signal'>,
  target: string,
  opts: { waitMs: number; pollMs: number; onWait(holder: string): void },
): Promise<HeldLock> {
  const holder = { target, jobId: ctx.jobId, user: ctx.data.requestedBy.user, since: ctx.deps.now().toISOString(), text: ctx.data.text };
  const started = Date.now();
  let said = '';
  for (;;) {
    ctx.signal.throwIfAborted();
    try {
      return await holdLock(ctx.deps.locks, holder, { log: ctx.log, onLost: (e) => ctx.log.warn({ target, err: e }, 'converge lost a service lock; its next change is refused') });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      if (e.userFacing !== said) opts.onWait((said = e.userFacing));
      if (Date.now() - started >= opts.waitMs) {
        throw new ConflictError(`${e.userFacing} Converge waited ${Math.round(opts.waitMs / 1000)} s for it and left the service alone; Retry once that job is done.`);
      }
      await sleep(Math.min(opts.pollMs, Math.max(1, opts.waitMs - (Date.now() - started))), undefined, { signal: ctx.signal });
    }
  }
}

/** The run's own fence and the service's lock: a change to the service goes through only while both hold. */
export function bothFences(run: RunFence, lock: HeldLock): RunFence {
  return {
    target: run.target,
    token: run.token,
    async check() {
      await run.check();
      await lock.verify();
    },
  };
}
