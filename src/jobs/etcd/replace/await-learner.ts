import { setTimeout as sleep } from 'node:timers/promises';
import { RefusedError } from '../../../errors.js';
import { ClusterNotReadyError, LearnerNotReadyError, type Members, type MembersView } from '../../../ports/members.js';
import { isHealthy, lagOf } from './check-replace.js';

/** The learner did not get where it had to within the bound: what was last seen of it. */
export class LearnerStuckError extends RefusedError {
  constructor(readonly lastSeen: string) {
    super(lastSeen);
  }
}

export interface AwaitOptions {
  members: Members;
  /** Hex id of the learner. */
  id: string;
  timeoutMs: number;
  pollMs: number;
  maxLagEntries: number;
  signal: AbortSignal;
  log(line: string): void;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Where the learner stands in one look at the members, in words; undefined once it is ready. */
function learnerState(view: MembersView, id: string, maxLag: number): string | undefined {
  const m = view.members.find((x) => x.id === id);
  if (!m) return 'it is no longer a member (someone removed it)';
  if (!m.name) return 'it has not started: etcd lists it, but it never joined';
  if (!m.reachable) return `it started as ${m.name} but does not answer at ${m.clientUrls.join(', ') || 'its client URL'} (${m.error ?? 'no answer'})`;
  const lag = lagOf(view, m);
  if (lag === undefined) return `it started as ${m.name}, but the leader did not answer, so its lag is unknown`;
  if (lag > maxLag) return `it started as ${m.name} and is ${lag} entries behind the leader (at most ${maxLag} to be promoted)`;
  return undefined;
}

/**
 * Polls the members (etcd has no watch on membership) until the learner has started, answers and
 * is within `maxLagEntries` of the leader, logging each change of its state once. Throws
 * LearnerStuckError saying what was last seen when `timeoutMs` passes first.
 */
export async function awaitLearner(o: AwaitOptions): Promise<{ name: string; lag: number }> {
  const giveUpAt = Date.now() + o.timeoutMs;
  let said = '';
  for (;;) {
    o.signal.throwIfAborted();
    const view = await o.members.inspect().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    const state = typeof view === 'string' ? `the members could not be read (${view})` : learnerState(view, o.id, o.maxLagEntries);
    if (state === undefined && typeof view !== 'string') {
      const m = view.members.find((x) => x.id === o.id)!;
      return { name: m.name, lag: lagOf(view, m) ?? 0 };
    }
    if (state !== said) o.log(`new member ${o.id}: ${(said = state ?? '')}`);
    if (typeof view !== 'string' && !view.members.some((x) => x.id === o.id)) throw new LearnerStuckError(said);
    if (Date.now() + o.pollMs > giveUpAt) throw new LearnerStuckError(`within ${seconds(o.timeoutMs)} ${said}`);
    await sleep(o.pollMs, undefined, { signal: o.signal });
  }
}

/**
 * Promotes the learner, trying again while etcd says it has not caught up, for up to `timeoutMs`.
 * `beforeEach` runs right before every attempt (the fence check).
 */
export async function promoteLearner(o: AwaitOptions & { beforeEach(): Promise<void> }): Promise<{ promoted: boolean; attempts: number }> {
  const giveUpAt = Date.now() + o.timeoutMs;
  for (let attempts = 1; ; attempts++) {
    o.signal.throwIfAborted();
    await o.beforeEach();
    try {
      return { ...(await o.members.promote(o.id)), attempts };
    } catch (e) {
      if (!(e instanceof LearnerNotReadyError) && !(e instanceof ClusterNotReadyError)) throw e;
      if (attempts === 1) o.log(`${e.message} Trying again every ${o.pollMs} ms.`);
      if (Date.now() + o.pollMs > giveUpAt) throw new LearnerStuckError(`within ${seconds(o.timeoutMs)} etcd kept refusing to promote it: the learner never caught up with the leader`);
    }
    await sleep(o.pollMs, undefined, { signal: o.signal });
  }
}

/**
 * Waits until every voter answers, follows one leader and is within `maxLagEntries` of it, and
 * `hasQuorum()` agrees; throws RefusedError naming the voters that are not, after `timeoutMs`.
 */
export async function verifyVoters(o: Omit<AwaitOptions, 'id'> & { hasQuorum(): Promise<boolean> }): Promise<MembersView> {
  const giveUpAt = Date.now() + o.timeoutMs;
  for (;;) {
    o.signal.throwIfAborted();
    const view = await o.members.inspect();
    const voters = view.members.filter((m) => !m.isLearner);
    const unhealthy = voters.filter((m) => !isHealthy(view, m, o.maxLagEntries));
    if (unhealthy.length === 0 && (await o.hasQuorum())) return view;
    if (Date.now() + o.pollMs > giveUpAt) {
      const who = unhealthy.map((m) => `${m.name || m.id} (${m.reachable ? `${lagOf(view, m) ?? '?'} entries behind` : m.error ?? 'unreachable'})`);
      throw new RefusedError(`After the promotion not every voter is healthy within ${seconds(o.timeoutMs)}: ${who.join(', ') || 'quorum not confirmed'}. The new member stays a voter; check \`/dev etcd members\`.`);
    }
    await sleep(o.pollMs, undefined, { signal: o.signal });
  }
}
