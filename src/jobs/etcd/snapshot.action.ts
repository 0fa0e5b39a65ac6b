import { describeBackup } from '../../render/backup-facts.js';
import type { EtcdAction } from './actions.js';
import { takeSnapshot, type SnapshotOutcome } from './snapshot/take-snapshot.js';

function summaryOf(o: SnapshotOutcome): string {
  return [
    `Snapshot ${o.entry.location}: ${describeBackup(o.entry)} (${o.role}).`,
    `Verified: read back with the same size and SHA-256, etcd's own checksum holds, and it holds revision ${o.status.revision} (etcdctl snapshot status${o.status.compactRevision === o.status.revision ? `, compacted at ${o.status.compactRevision}` : ''}).`,
    `Pruned ${o.pruned.length} by the retention tiers; ${o.kept} kept.`,
  ].join(' ');
}

/** `/dev etcd snapshot`: one verified backup now, then the retention tiers applied. */
export const snapshotAction: EtcdAction = {
  title: (p) => `etcd snapshot of ${p.environment}`,
  async run(p, ctx) {
    const outcome = await takeSnapshot(p.environment, {
      deps: ctx.deps, jobId: ctx.jobId, log: ctx.log, signal: ctx.signal, progress: ctx.progress, scheduled: false, text: ctx.data.text, user: ctx.data.requestedBy.user,
    });
    await ctx.progress.finish('succeeded', summaryOf(outcome));
  },
};
