import { RefusedError } from '../../../errors.js';
import type { BackupEntry } from '../../../ports/backups.js';
import { RevisionCompactedError, type KeyCounts } from '../../../ports/etcd-snapshots.js';
import type { RestoredEtcd } from '../../../ports/snapshot-tools.js';
import { BackupDamagedError } from '../../../ports/backups.js';
import type { Progress } from '../../progress-reporter.js';
import { backupConfigOf, drillLockOf } from '../snapshot/backup-config.js';
import { fetchChecked, type CheckedCopy } from '../snapshot/fetch-checked.js';
import { holdBackupLock } from '../snapshot/hold-backup-lock.js';
import type { SnapshotRun } from '../snapshot/take-snapshot.js';
import { compareCounts, describeCounts } from './compare-counts.js';

/** A drill runs as a snapshot does: asked for or scheduled, under the same backup lock. */
export type DrillRun = SnapshotRun;

export interface DrillOutcome {
  backup: BackupEntry;
  restored: KeyCounts;
  /** The live cluster's counts at the backup's revision; absent when that revision is compacted. */
  live?: KeyCounts;
  tookMs: number;
}

/**
 * A step whose result lives on this host (a temp file, a process): a run that resumes the job
 * after its worker was lost finds the step done but not its result, so it does it again.
 */
async function freshStep<T>(progress: Progress, name: string, fn: () => Promise<T>): Promise<T> {
  let result: { value: T } | undefined;
  await progress.step(name, async () => {
    result = { value: await fn() };
    return true;
  });
  return result ? result.value : fn();
}

/**
 * The restore drill: the newest backup, read back and checked, restored with `etcdctl snapshot
 * restore` into a one-member etcd on this host (temp directory, loopback ports), whose key counts
 * per top-level prefix must equal the live cluster's read at the backup's revision. Everything it
 * started is stopped and removed however it ends. Fails with BackupDamagedError for a damaged
 * backup, RefusedError when there is none or the counts differ.
 */
export async function runDrill(environment: string, run: DrillRun): Promise<DrillOutcome> {
  const { deps, progress, log } = run;
  backupConfigOf(deps.config, environment);
  const backups = deps.backupsFor(environment);
  const started = Date.now();
  const lock = await holdBackupLock(deps, drillLockOf(environment), `A restore drill of ${environment}`, { ...run, onLost: () => undefined });
  let copy: CheckedCopy | undefined;
  let etcd: RestoredEtcd | undefined;
  const record = (ok: boolean, detail: string) =>
    deps.backupAttempts.record(environment, { action: 'drill', at: deps.now().toISOString(), ok, scheduled: run.scheduled, detail }).catch((err: unknown) => log.warn({ err }, 'could not record the drill'));
  try {
    const [backup] = await backups.list(environment, { limit: 1 });
    if (!backup) throw new RefusedError(`There is no backup of ${environment} to drill yet: \`/dev etcd snapshot\` takes one.`);
    progress.log(`newest backup: ${backup.location} (revision ${backup.revision})`);
    copy = await freshStep(progress, `Fetch and check ${backup.name}`, () => fetchChecked(backup, backups, deps.snapshotTools));
    const file = copy.local.path;
    etcd = await freshStep(progress, 'Restore it into a throwaway one-member etcd', () => deps.snapshotTools.restore(file, { signal: run.signal }));
    const restoredEtcd = etcd;
    progress.log(`restored etcd on ${etcd.endpoint} at revision ${etcd.revision}`);
    const counts = await freshStep(progress, 'Compare key counts with the live cluster', async () => {
      const restored = await restoredEtcd.countKeys();
      const live = await deps.etcdSnapshotsFor(environment).countKeysAt(backup.revision, { signal: run.signal }).catch((e: unknown) => {
        if (e instanceof RevisionCompactedError) return undefined;
        throw e;
      });
      return { restored, live };
    });
    if (etcd.revision !== backup.revision) {
      throw new BackupDamagedError(`The restored etcd is at revision ${etcd.revision}, but the backup was recorded at revision ${backup.revision}.`);
    }
    if (counts.live) {
      const differences = compareCounts(counts.restored, counts.live);
      if (differences.length) {
        const listed = differences.slice(0, 8).map((d) => `${d.prefix}: ${d.restored} restored, ${d.live} live`).join('; ');
        throw new RefusedError(`The restored backup ${backup.name} does not hold what the live cluster held at revision ${backup.revision}: ${listed}.`);
      }
    }
    await record(true, `${backup.name}: ${describeCounts(counts.restored, 3)}${counts.live ? ', matching the live cluster' : ', live revision compacted'}`);
    return { backup, restored: counts.restored, live: counts.live, tookMs: Date.now() - started };
  } catch (e) {
    await record(false, e instanceof Error ? ((e as { userFacing?: string }).userFacing ?? e.message) : String(e));
    throw e;
  } finally {
    await etcd?.stop().catch((err: unknown) => log.error({ err }, 'could not stop the drill etcd'));
    await copy?.local.remove().catch(() => undefined);
    await lock.release();
  }
}
