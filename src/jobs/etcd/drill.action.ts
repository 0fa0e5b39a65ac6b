import { ageOf, describeBackup, formatAge } from '../../render/backup-facts.js';
import type { EtcdAction } from './actions.js';
import { describeCounts } from './drill/compare-counts.js';
import { runDrill, type DrillOutcome } from './drill/run-drill.js';

function summaryOf(o: DrillOutcome, now: Date): string {
  const compared = o.live
    ? `Key counts per top-level prefix match the live cluster read at revision ${o.backup.revision}: ${describeCounts(o.restored)}.`
    : `Restored ${describeCounts(o.restored)}; not compared with the live cluster: it has compacted its history past revision ${o.backup.revision}.`;
  return `Drill passed in ${formatAge(o.tookMs)}: the newest backup ${o.backup.name} (${formatAge(ageOf(o.backup, now))} old; ${describeBackup(o.backup)}) restored into a throwaway etcd, which started healthy. ${compared} Everything the drill started is removed.`;
}

/** `/dev etcd drill`: restores the newest backup into a throwaway etcd on the worker's host and compares it with the live cluster. */
export const drillAction: EtcdAction = {
  title: (p) => `etcd restore drill of ${p.environment}`,
  async run(p, ctx) {
    const outcome = await runDrill(p.environment, {
      deps: ctx.deps, jobId: ctx.jobId, log: ctx.log, signal: ctx.signal, progress: ctx.progress, scheduled: false, text: ctx.data.text, user: ctx.data.requestedBy.user,
    });
    await ctx.progress.finish('succeeded', summaryOf(outcome, ctx.deps.now()));
  },
};
