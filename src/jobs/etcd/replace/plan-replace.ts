import { RefusedError, UsageError } from '../../../errors.js';
import type { MembersView } from '../../../ports/members.js';
import type { EtcdPayload } from '../../etcd.job.js';
import type { JobContext } from '../../job-kind.js';
import { environmentOf } from '../environment-of.js';
import { checkPeerUrl, checkReplace, type ReplaceTarget } from './check-replace.js';
import { findPeerUrl } from './find-peer-url.js';

/** What a replacement will do, decided from live state; saved as the first step's value. */
export interface ReplacePlan extends ReplaceTarget {
  peerUrl: string;
  /** How the peer URL was found. */
  source: string;
  /** The voters as they are now, in words ("e1 (leader)", "e2 (unreachable)"). */
  voters: string[];
  /** When the plan was made (epoch ms): the report's "time taken" counts from here, across a resume. */
  plannedAt: number;
}

export function describeVoters(view: MembersView): string[] {
  return view.members.filter((m) => !m.isLearner).map((m) => `${m.name || m.id}${m.id === view.leaderId ? ' (leader)' : ''}${m.reachable ? '' : ' (unreachable)'}`);
}

/** Reads the members and quorum, and plans the replacement or refuses it (see checkReplace). */
export async function planReplace(payload: EtcdPayload, ctx: Pick<JobContext, 'deps' | 'signal'>): Promise<ReplacePlan> {
  const { deps } = ctx;
  const env = environmentOf(payload, ctx);
  if (!payload.member) throw new UsageError('Name the member to replace: `/dev etcd replace <member> [--peer-url URL]` (`/dev etcd members` lists them).');
  const [read, health] = await Promise.all([
    deps.membersFor(payload.environment).inspect().then((view) => ({ view }), (error: unknown) => ({ error })),
    deps.clusterFor(payload.environment).health(),
  ]);
  // Without quorum the member list may not come back either; the quorum refusal says what to do.
  if (!health.hasQuorum) throw new RefusedError(`etcd has no quorum (${health.quorumReason}). A membership change needs quorum: bring members back, or follow \`/dev etcd recover\`.`);
  if ('error' in read) throw read.error;
  const { view } = read;
  const target = checkReplace({
    view, quorum: { hasQuorum: health.hasQuorum, reason: health.quorumReason }, member: payload.member, force: payload.force === true,
    expectedVoters: Math.max(env.etcd.endpoints.length, env.aws?.groups.main.size ?? 0), maxLagEntries: env.etcd.replace.maxLagEntries,
  });
  const choice = await findPeerUrl({
    environment: payload.environment, env, target, members: view.members, given: payload.peerUrl, instances: () => deps.instancesFor(payload.environment), signal: ctx.signal,
  });
  checkPeerUrl(view, target, choice.peerUrl);
  return { ...target, peerUrl: choice.peerUrl, source: choice.source, voters: describeVoters(view), plannedAt: Date.now() };
}
