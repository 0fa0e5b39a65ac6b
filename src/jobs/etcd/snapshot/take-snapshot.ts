import type { Deps } from '../../../deps.js';
import type { Logger } from '../../../log.js';
import { BackupDamagedError, type BackupEntry } from '../../../ports/backups.js';
import type { LocalSnapshot, SnapshotFileStatus } from '../../../ports/snapshot-tools.js';
import type { Progress } from '../../progress-reporter.js';
import { backupConfigOf, snapshotLockOf } from './backup-config.js';
import { checkAgainstCopy, fetchChecked } from './fetch-checked.js';
import { holdBackupLock } from './hold-backup-lock.js';
import { planRetention } from './retention.js';
import { tee } from './tee.js';

export interface SnapshotRun {
  deps: Deps;
  jobId: string;
  log: Logger;
  signal: AbortSignal;
  progress: Progress;
  /** Taken by the schedule (recorded as such), not asked for. */
  scheduled: boolean;
  /** Who holds the lock meanwhile, for `ConflictError` messages: the command text. */
  text: string;
  user: string;
}

export interface SnapshotOutcome {
  entry: BackupEntry;
  role: 'follower' | 'leader';
  status: SnapshotFileStatus;
  pruned: BackupEntry[];
  kept: number;
}

/**
 * One backup of `environment`: streams a snapshot from a member into the Backups port, reads it
 * back and proves it (SHA-256, etcd's own checksum, the revision per etcdctl), then prunes by the
 * retention tiers. One at a time per environment across every worker (ConflictError when another
 * one runs). A backup that fails its check is deleted, so nothing lists it as restorable. Every
 * attempt that ran is recorded, for the stale-backup alert.
 */
export async function takeSnapshot(environment: string, run: SnapshotRun): Promise<SnapshotOutcome> {
  const { deps, progress, log } = run;
  const config = backupConfigOf(deps.config, environment);
  const backups = deps.backupsFor(environment);
  const lockLost = new AbortController();
  const signal = AbortSignal.any([run.signal, lockLost.signal]);
  const lock = await holdBackupLock(deps, snapshotLockOf(environment), `A snapshot of ${environment}`, { ...run, onLost: (e) => lockLost.abort(e) });
  const record = (ok: boolean, detail: string) =>
    deps.backupAttempts.record(environment, { action: 'snapshot', at: deps.now().toISOString(), ok, scheduled: run.scheduled, detail }).catch((err: unknown) => log.warn({ err }, 'could not record the snapshot attempt'));
  // A copy of the snapshot as it streamed, on this host: the verification inspects it while the backup is read back.
  let copy: LocalSnapshot | undefined;
  const tookMs: Record<string, number> = {};
  try {
    let role: SnapshotOutcome['role'] = 'follower';
    const entry = (await progress.step('Stream a snapshot into the backups', timed(tookMs, 'streamMs', async () => {
      const snapshot = await deps.etcdSnapshotsFor(environment).take({ signal });
      role = snapshot.role;
      progress.log(`member ${snapshot.member} (${snapshot.role}), revision ${snapshot.revision}, to ${backups.describe()}`);
      const [toBackups, toDisk] = tee(snapshot.stream);
      const [written, kept] = await Promise.allSettled([
        backups.write(toBackups, { environment, takenAt: deps.now(), revision: snapshot.revision, member: snapshot.member }).catch((e: unknown) => {
          snapshot.stream.destroy();
          throw e;
        }),
        deps.snapshotTools.keep(toDisk),
      ]);
      if (kept.status === 'fulfilled') copy = kept.value;
      else log.warn({ err: kept.reason }, 'no local copy of the snapshot; the verification reads the backup back to disk instead');
      if (written.status === 'rejected') throw written.reason;
      return written.value;
    })))!;
    const status = (await progress.step('Read it back and verify it', timed(tookMs, 'verifyMs', async () => {
      try {
        // A run resumed on another worker has no copy here: it reads the backup back to disk.
        if (copy) return await checkAgainstCopy(entry, backups, deps.snapshotTools, copy);
        const checked = await fetchChecked(entry, backups, deps.snapshotTools);
        await checked.local.remove();
        return checked.status;
      } catch (e) {
        if (e instanceof BackupDamagedError) {
          await backups.remove(entry).catch((err: unknown) => log.error({ err, backup: entry.location }, 'could not delete the damaged backup'));
          throw new BackupDamagedError(`${e.userFacing} It was deleted; the previous backups are untouched.`);
        }
        throw e;
      }
    })))!;
    const { pruned, kept } = (await progress.step('Prune by the retention tiers', timed(tookMs, 'pruneMs', async () => {
      const plan = planRetention(await backups.list(environment), deps.now(), config.retention);
      for (const old of plan.prune) await backups.remove(old);
      return { pruned: plan.prune, kept: plan.keep.length };
    })))!;
    await record(true, entry.name);
    log.info({ backup: entry.location, revision: entry.revision, sizeBytes: entry.sizeBytes, pruned: pruned.length, ...tookMs }, 'etcd snapshot taken and verified');
    return { entry, role, status, pruned, kept };
  } catch (e) {
    await record(false, e instanceof Error ? ((e as { userFacing?: string }).userFacing ?? e.message) : String(e));
    throw lockLost.signal.aborted ? lockLost.signal.reason : e;
  } finally {
    await copy?.remove();
    await lock.release();
  }
}

/** `fn`, its duration kept in `into[name]` (for the log line that ends the job). */
function timed<T>(into: Record<string, number>, name: string, fn: () => Promise<T>): () => Promise<T> {
  return async () => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      into[name] = Date.now() - t0;
    }
  };
}
