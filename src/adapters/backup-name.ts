import type { BackupWrite } from '../ports/backups.js';

/** `20250314T093000.123Z`: ISO 8601 basic format, sortable, no colons (safe in file names and S3 keys). */
function basicIso(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '');
}

const NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z-rev(\d+)\.db$/;

/** The file name of a backup, unique per snapshot: `<time>-rev<revision>.db` (the environment is its folder). */
export function backupFileName(meta: Pick<BackupWrite, 'takenAt' | 'revision'>): string {
  return `${basicIso(meta.takenAt)}-rev${meta.revision}.db`;
}

/** Time and revision read back from a backup's file name; undefined for a name devbot did not write. */
export function parseBackupFileName(name: string): { takenAt: string; revision: number } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, rev] = m;
  return { takenAt: `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`, revision: Number(rev) };
}
