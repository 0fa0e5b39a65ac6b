import type { Deps } from '../../../deps.js';
import { ConflictError } from '../../../errors.js';
import type { Logger } from '../../../log.js';
import { FencedError } from '../../../ports/locks.js';
import { holdLock, type HeldLock } from '../../lock-heartbeat.js';

/**
 * Takes the lock that keeps snapshots (or drills) of an environment one at a time across every
 * worker. When another one holds it: ConflictError saying whose it is (the schedule's or a
 * person's) and since when, in words rather than lock names.
 */
export async function holdBackupLock(
  deps: Pick<Deps, 'locks' | 'now'>,
  target: string,
  what: string,
  run: { jobId: string; user: string; text: string; log: Logger; onLost(e: FencedError): void },
): Promise<HeldLock> {
  try {
    return await holdLock(deps.locks, { target, jobId: run.jobId, user: run.user, since: deps.now().toISOString(), text: run.text }, { log: run.log, onLost: run.onLost });
  } catch (e) {
    if (!(e instanceof ConflictError) || e instanceof FencedError) throw e;
    const holder = (await deps.locks.list().catch(() => [])).find((h) => h.target === target);
    const whose = !holder ? 'another job' : holder.user === 'devbot' ? `the scheduled one, job ${holder.jobId}` : `<@${holder.user}>'s, job ${holder.jobId}`;
    throw new ConflictError(`${what} is already running (${whose}${holder ? `, since ${holder.since}` : ''}); try again once it is done.`);
  }
}
