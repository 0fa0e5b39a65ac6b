import { formatAge } from '../../render/backup-facts.js';
import type { AlertRule, Finding, Snapshot } from '../rule.js';

const ADVICE =
  "See `/dev etcd backups` and the worker's log for the error; `/dev etcd snapshot` takes one now. The worker needs etcdctl, and write access to the destination (README, \"Snapshots and drills\").";

function snapshotsFinding(s: Snapshot, intervalMs: number): Finding | undefined {
  const b = s.backups!;
  const last = b.attempts.find((a) => a.action === 'snapshot');
  const ago = (iso: string) => formatAge(s.at.getTime() - new Date(iso).getTime());
  const age = b.newest ? s.at.getTime() - new Date(b.newest.takenAt).getTime() : undefined;
  const stale = age !== undefined ? age > 2 * intervalMs : b.listError === undefined;
  const failed = last !== undefined && !last.ok;
  if (!stale && !failed) return undefined;
  const newest = b.newest ? `newest backup ${ago(b.newest.takenAt)} old (${b.newest.location})` : b.listError ? `backups could not be listed: ${b.listError}` : 'no backup exists';
  const summary = failed
    ? `etcd snapshots of ${s.environment} are failing: the last one failed ${ago(last.at)} ago`
    : b.newest
      ? `The newest etcd backup of ${s.environment} is ${ago(b.newest.takenAt)} old (one is due every ${formatAge(intervalMs)})`
      : `There is no etcd backup of ${s.environment}`;
  return {
    subject: 'snapshots',
    summary,
    details: [...(failed ? [`last attempt${last.scheduled ? ' (scheduled)' : ''}: ${last.detail}`] : []), newest],
    advice: ADVICE,
    command: { label: 'Take a snapshot', text: `etcd snapshot --env ${s.environment}` },
  };
}

/**
 * etcd's backups have gone stale: the newest is older than twice `etcd.backup.intervalMs` (or there
 * is none), or the last snapshot attempt failed; also when the last restore drill failed. Resolves
 * once a fresh, verified backup lands (and a drill passes).
 */
export const etcdBackupStale: AlertRule = {
  name: 'etcd-backup-stale',
  severity: 'warning',
  // Room for the first snapshot after backups are turned on, and for a slow one to land.
  forMs: 60_000,
  kind: 'condition',
  appliesTo: (config) => config.etcd.backup !== undefined,
  evaluate(s) {
    const backup = s.config.etcd.backup;
    if (!backup || !s.backups) return [];
    const findings: Finding[] = [];
    const snapshots = snapshotsFinding(s, backup.intervalMs);
    if (snapshots) findings.push(snapshots);
    const drill = s.backups.attempts.find((a) => a.action === 'drill');
    if (drill && !drill.ok) {
      findings.push({
        subject: 'drill',
        summary: `The last restore drill of ${s.environment}'s etcd backups failed ${formatAge(s.at.getTime() - new Date(drill.at).getTime())} ago`,
        details: [drill.detail],
        advice: 'The newest backup may not restore. Read the error; `/dev etcd drill` runs the drill again, `/dev etcd snapshot` takes a fresh backup first.',
        command: { label: 'Run the drill', text: `etcd drill --env ${s.environment}` },
      });
    }
    return findings;
  },
};
