import type { RetentionPolicy } from '../../../config/backup-schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface RetentionPlan<T> {
  keep: T[];
  prune: T[];
}

/**
 * Which backups to keep (kops etcd-manager's tiers): every one younger than `allWithinMs`; past
 * that, one per UTC clock hour until `hourlyForMs`; then one per UTC day until `dailyForMs`; none
 * older. In each hour or day the oldest is the one kept, so a kept backup stays kept as the others
 * age into its tier. The newest backup is never pruned, however old. Pure: `now` is given.
 */
export function planRetention<T extends { takenAt: string }>(entries: readonly T[], now: Date, policy: RetentionPolicy): RetentionPlan<T> {
  const at = (e: T) => new Date(e.takenAt).getTime();
  const oldestFirst = [...entries].sort((a, b) => at(a) - at(b));
  const newest = oldestFirst.at(-1);
  const seen = new Set<string>();
  const keep: T[] = [];
  const prune: T[] = [];
  for (const e of oldestFirst) {
    const t = at(e);
    const age = now.getTime() - t;
    let bucket: string | undefined;
    if (age > policy.dailyForMs) bucket = 'expired';
    else if (age > policy.hourlyForMs) bucket = `day ${Math.floor(t / DAY)}`;
    else if (age > policy.allWithinMs) bucket = `hour ${Math.floor(t / HOUR)}`;
    const kept = e === newest || bucket === undefined || (bucket !== 'expired' && !seen.has(bucket));
    if (bucket) seen.add(bucket);
    (kept ? keep : prune).push(e);
  }
  const newestFirst = (a: T, b: T) => at(b) - at(a);
  return { keep: keep.sort(newestFirst), prune: prune.sort(newestFirst) };
}
