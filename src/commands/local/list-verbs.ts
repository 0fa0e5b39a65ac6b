import type { Deps } from '../../deps.js';
import { renderAudit, renderJobs, renderLocks } from '../../render/job-lists.js';
import type { CommandOf } from '../command.js';
import type { CommandReply } from '../types.js';

type ListDeps = Pick<Deps, 'queue' | 'locks' | 'audit' | 'jobKinds' | 'now'>;

/** `/dev jobs [--all]`: recent jobs, internal bookkeeping jobs left out. */
export async function answerJobs(command: CommandOf<'jobs'>, deps: ListDeps): Promise<CommandReply> {
  const jobs = (await deps.queue.list({ all: command.all, limit: 50 })).filter((j) => !deps.jobKinds[j.kind]?.internal && j.data.phase !== 'preview');
  return { ...renderJobs(jobs.slice(0, 25), deps.now(), command.all), outcome: 'answered' };
}

/** `/dev locks`: every lock held now, by whom, since when, for which job. */
export async function answerLocks(deps: ListDeps): Promise<CommandReply> {
  // Internal locks (the alert evaluation's) start with '_' and are nobody's business.
  const locks = (await deps.locks.list()).filter((l) => !l.target.startsWith('_'));
  return { ...renderLocks(locks, deps.now()), outcome: 'answered' };
}

/** `/dev audit [--user U] [--target T]`: the latest entries of the audit trail. */
export async function answerAudit(command: CommandOf<'audit'>, deps: ListDeps): Promise<CommandReply> {
  const filter = { user: command.user, target: command.target };
  return { ...renderAudit(await deps.audit.latest({ ...filter, limit: 20 }), filter), outcome: 'answered' };
}
