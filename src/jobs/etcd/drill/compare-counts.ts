import type { KeyCounts } from '../../../ports/etcd-snapshots.js';

export interface CountDifference {
  prefix: string;
  restored: number;
  live: number;
}

/** Every top-level prefix whose key count differs between the restored etcd and the live cluster. Pure. */
export function compareCounts(restored: KeyCounts, live: KeyCounts): CountDifference[] {
  const prefixes = [...new Set([...Object.keys(restored), ...Object.keys(live)])].sort();
  return prefixes
    .map((prefix) => ({ prefix, restored: restored[prefix] ?? 0, live: live[prefix] ?? 0 }))
    .filter((d) => d.restored !== d.live);
}

/** "/registry 120, postgres 3 (+4 more)" */
export function describeCounts(counts: KeyCounts, shown = 8): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((n, [, c]) => n + c, 0);
  const listed = entries.slice(0, shown).map(([p, c]) => `${p} ${c}`).join(', ');
  return `${total} keys${entries.length ? ` (${listed}${entries.length > shown ? `, +${entries.length - shown} more prefixes` : ''})` : ''}`;
}
