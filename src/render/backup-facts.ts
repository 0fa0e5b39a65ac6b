import type { BackupEntry } from '../ports/backups.js';
import { formatBytes } from './etcd-members.js';

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** "20.5 MB, revision 1234, from e2, sha256 ab12cd34ef56…" */
export function describeBackup(b: BackupEntry): string {
  return `${formatBytes(b.sizeBytes)}, revision ${b.revision}, from ${b.member}, sha256 ${b.sha256.slice(0, 12)}…`;
}

/** How long ago `b` was taken, seen from `now`. */
export const ageOf = (b: BackupEntry, now: Date): number => now.getTime() - new Date(b.takenAt).getTime();
