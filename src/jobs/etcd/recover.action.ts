import { renderRecoveryPlan } from '../../render/etcd-recover.js';
import type { EtcdAction } from './actions.js';
import { blockText, planRecovery, type RecoveryPath } from './recover/plan-recovery.js';
import { readRecoveryState } from './recover/read-recovery-state.js';
import { environmentOf } from './environment-of.js';

/** Every command of a path for the thread, block by block (the message shows them too, within Slack's limits). */
function threadLines(path: RecoveryPath): string[] {
  return [`*${path.title}*\nLoses: ${path.loses}`, ...path.blocks.map((b, i) => `${i + 1}. ${blockText(b)}`)];
}

/**
 * `/dev etcd recover`: a recovery plan for a cluster that lost quorum, computed from what answers
 * now. Read-only: it executes nothing (the message says why) and takes no lock.
 */
export const recoverAction: EtcdAction = {
  title: (p) => `etcd recovery plan for ${p.environment}`,
  async run(payload, ctx) {
    const env = environmentOf(payload, ctx);
    const plan = planRecovery(await readRecoveryState(ctx.deps, payload.environment, env));
    for (const path of [plan.restore, plan.forceNewCluster]) if (path) for (const line of threadLines(path)) ctx.progress.log(line);
    ctx.progress.log(`Last step of either path: rebuild fleet's units from the catalog — ${plan.rebuild.join('; ')}.`);
    const survivor = plan.survivor ? `most advanced survivor ${plan.survivor.name} (raft index ${plan.survivor.raftIndex})` : 'no member answers';
    const backup = plan.backup ? `newest backup ${plan.backup.name} (revision ${plan.backup.revision})` : 'no backup';
    await ctx.progress.finish('succeeded', `Recovery plan for ${payload.environment}: ${survivor}; ${backup}. Nothing was executed.`, renderRecoveryPlan(plan));
  },
};
