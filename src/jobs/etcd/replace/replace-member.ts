import type { EnvironmentConfig } from '../../../config/schema.js';
import { RefusedError } from '../../../errors.js';
import type { EtcdMember } from '../../../ports/members.js';
import { startInstructions } from '../../../render/etcd-replace.js';
import type { EtcdPayload } from '../../etcd.job.js';
import type { JobContext } from '../../job-kind.js';
import { LEASE_LOST } from '../../run-job.js';
import { environmentOf } from '../environment-of.js';
import { awaitLearner, LearnerStuckError, promoteLearner, verifyVoters } from './await-learner.js';
import { describeVoters, planReplace, type ReplacePlan } from './plan-replace.js';
import { CHANGE_READY_MS, whenReady } from './when-ready.js';

/** What a finished member replacement reports. */
export interface MemberReplaced {
  /** One line: old member → new member, how long, the voters' health. */
  summary: string;
  /** Hex id of the new member. */
  newId: string;
  peerUrl: string;
}

/** `name=peerUrl,…` for the new member's --initial-cluster, as `etcdctl member add` prints it. */
function initialClusterOf(members: EtcdMember[], newId: string, newName: string): string {
  return members
    .flatMap((m) => m.peerUrls.map((u) => [m.id === newId ? newName : m.name, u] as const))
    .filter(([name]) => name)
    .map(([name, u]) => `${name}=${u}`)
    .join(',');
}

const tookSeconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** A cancel by a person (not a worker that lost its lease: another run carries on then). */
const cancelledByUser = (signal: AbortSignal) => signal.aborted && typeof signal.reason === 'string' && signal.reason !== LEASE_LOST;

/**
 * Takes the learner this replacement added out again, so the cluster is left as it was minus the
 * dead member (never two changes half-done). Says what it did, in words.
 */
async function removeLearner(plan: ReplacePlan, id: string, ctx: JobContext): Promise<string> {
  const members = ctx.deps.membersFor(ctx.data.environment);
  try {
    await whenReady(() => members.remove(id), { timeoutMs: CHANGE_READY_MS, pollMs: 500, signal: AbortSignal.timeout(CHANGE_READY_MS + 5000), log: (l) => ctx.progress.log(l), beforeEach: () => ctx.fence.check() });
    const voters = (await members.list()).filter((m) => !m.isLearner).map((m) => m.name || m.id).sort();
    ctx.progress.log(`removed the learner ${id} again`);
    return `devbot removed the learner ${id} again, so the cluster is as it was${plan.old ? ` without ${plan.old.name}` : ''}: voters ${voters.join(', ')}`;
  } catch (err) {
    return `devbot could not remove the learner ${id} again (${(err as Error).message}): remove it yourself with \`etcdctl member remove ${id}\``;
  }
}

/** The timeout's message: what was seen, what was undone, what to check on the new machine. */
function stuckMessage(plan: ReplacePlan, why: string, undone: string, env: EnvironmentConfig, environment: string): string {
  const { unit, dataDir } = env.etcd.host;
  const port = new URL(plan.peerUrl).port || '2380';
  return (
    `The new member at ${plan.peerUrl} did not become a voter: ${why}. ${undone}. Check on the new machine that etcd runs (\`systemctl status ${unit}\`, \`journalctl -u ${unit}\`) ` +
    `with --initial-cluster-state existing and the --initial-cluster posted in this thread, that its data dir (${dataDir}) was empty when it started, ` +
    `and that port ${port} is open between the main nodes; then run \`/dev etcd replace ${plan.name} --peer-url ${plan.peerUrl} --env ${environment}\` again` +
    `${plan.old ? ` (with ${plan.old.name} gone it only adds the new member)` : ''}.`
  );
}

/**
 * The steps of an etcd member replacement, shared by `/dev etcd replace` and `/dev replace` of a
 * main node: remove the failed member, add its replacement as a learner, wait for it to catch up,
 * promote it, verify. One membership change at a time, each step idempotent (a resumed job finds
 * the member already removed, the learner already added), and the fence checked right before each
 * change. `stepPrefix` names the steps when they run inside another job.
 */
export async function replaceMember(payload: EtcdPayload, ctx: JobContext, opts: { stepPrefix?: string } = {}): Promise<MemberReplaced> {
  const named = (step: string) => `${opts.stepPrefix ?? ''}${step}`;
  const { deps, progress, fence, signal } = ctx;
  const env = environmentOf(payload, ctx);
  const settings = env.etcd.replace;
  const members = deps.membersFor(payload.environment);
  // Planned again: the members may have changed between preview and confirmation. The plan line is
  // logged inside its step, so a resumed job does not post it to the thread a second time.
  const plan = await progress.step(named('Check quorum and plan'), async () => {
    const planned = await planReplace(payload, ctx);
    progress.log(`Plan: ${planned.old ? `${planned.old.name} (${planned.old.id}, ${planned.old.peerUrl})` : planned.name} → ${planned.peerUrl} (${planned.source}). Voters now: ${planned.voters.join(', ')}.`);
    return planned;
  });
  if (!plan) throw new RefusedError('The plan of the earlier attempt was lost; check `/dev etcd members` and run the command again.');
  const old = plan.old;
  const changing = { timeoutMs: CHANGE_READY_MS, pollMs: settings.pollMs, signal, log: (l: string) => progress.log(l), beforeEach: () => fence.check() };
  if (old) {
    await progress.step(named(`Remove ${old.name} (${old.id})`), async () => {
      const { removed } = await whenReady(() => members.remove(old.id), changing);
      progress.log(removed ? `removed ${old.name} (${old.id})` : `${old.name} (${old.id}) was already removed`);
      return true;
    });
  }
  let addedInThisRun = false;
  const added = await progress.step(named(`Add ${plan.peerUrl} as a learner`), async () => {
    addedInThisRun = true;
    const r = await whenReady(() => members.addLearner(plan.peerUrl), changing);
    const initialCluster = initialClusterOf(r.members, r.member.id, plan.name);
    progress.log(`${r.added ? 'added' : 'found (added by an earlier attempt)'} ${r.member.isLearner ? 'learner' : 'member'} ${r.member.id} at ${plan.peerUrl}`);
    progress.log(startInstructions(plan.name, plan.peerUrl, initialCluster, env.etcd.host.dataDir));
    return { id: r.member.id, initialCluster };
  });
  if (!added) throw new RefusedError('The learner added by the earlier attempt was lost track of; check `/dev etcd members`.');
  // A worker lost right after the add may never have posted how to start the new machine (thread
  // lines go out at the message's pace): the resumed run says it again.
  if (!addedInThisRun && added.initialCluster) progress.log(startInstructions(plan.name, plan.peerUrl, added.initialCluster, env.etcd.host.dataDir));
  const wait = { members, id: added.id, timeoutMs: settings.learnerTimeoutMs, pollMs: settings.pollMs, maxLagEntries: settings.maxLagEntries, signal, log: (l: string) => progress.log(l) };
  try {
    await progress.step(named(`Wait for the new member to start and catch up (up to ${Math.round(settings.learnerTimeoutMs / 1000)} s)`), () => awaitLearner(wait));
    await progress.step(named(`Promote ${added.id} to a voter`), async () => {
      const r = await promoteLearner({ ...wait, beforeEach: () => fence.check() });
      progress.log(r.promoted ? `promoted ${added.id} (attempt ${r.attempts})` : `${added.id} was a voter already`);
      return true;
    });
  } catch (e) {
    if (e instanceof LearnerStuckError) throw new RefusedError(stuckMessage(plan, e.lastSeen, await removeLearner(plan, added.id, ctx), env, payload.environment));
    if (cancelledByUser(signal)) progress.log(`Cancelled while the learner was not yet a voter: ${await removeLearner(plan, added.id, ctx)}.`);
    throw e;
  }
  const health = deps.clusterFor(payload.environment);
  const after = await progress.step(named('Verify every voter is healthy'), async () => {
    const view = await verifyVoters({ ...wait, hasQuorum: async () => (await health.health()).hasQuorum });
    const fresh = view.members.find((m) => m.id === added.id);
    return { voters: describeVoters(view), count: view.members.filter((m) => !m.isLearner).length, newName: fresh?.name ?? plan.name };
  });
  if (!after) throw new RefusedError('The result of the earlier attempt was lost; check `/dev etcd members`.');
  const from = old ? `${old.name} ${old.id}` : `${plan.name} (already removed)`;
  return {
    summary: `Replaced ${from} → ${after.newName} ${added.id} (${plan.peerUrl}) in ${tookSeconds(plan.plannedAt)}. ${after.count} of ${after.count} voters healthy: ${after.voters.join(', ')}.`,
    newId: added.id,
    peerUrl: plan.peerUrl,
  };
}
