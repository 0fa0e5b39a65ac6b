import { byName, goCompare } from './go-order.js';
import type { StateView } from './registry.js';

/**
 * What fleet's `/state` shows is what each machine's agent last reported, not what systemd does
 * now: an agent reports `lagMs` late, and a destroyed unit's row (old hash, last state) lingers
 * for `staleMs` after the destroy, until that machine's agent reports again. A unit of the same
 * name created meanwhile on the same machine replaces the row once its own state is reported; on
 * another machine both rows show.
 */
export interface StateReports {
  /** Remembers the rows of a unit being destroyed, as its agents last reported them. */
  forget(rows: StateView[], at: number): void;
  /** The rows `/state` shows at `t`: the reported ones, plus lingering rows nothing reported over. */
  merge(reported: StateView[], t: number): StateView[];
}

export function createStateReports(opts: { staleMs: number }): StateReports {
  const lingering = new Map<string, { row: StateView; until: number }>();
  const key = (r: StateView) => `${r.name}\n${r.machineID}`;
  return {
    forget(rows, at) {
      if (opts.staleMs <= 0) return;
      for (const row of rows) lingering.set(key(row), { row, until: at + opts.staleMs });
    },
    merge(reported, t) {
      for (const [k, l] of lingering) if (l.until <= t || reported.some((r) => key(r) === k)) lingering.delete(k);
      return [...reported, ...[...lingering.values()].map((l) => l.row)].sort((a, b) => byName(a, b) || goCompare(a.machineID, b.machineID));
    },
  };
}
