import type { StatusLine } from '../ports/status.js';

const RANK: Record<StatusLine['level'], number> = { info: 0, ok: 1, warn: 2, critical: 3 };

/** The most alarming level among `items` ('ok' when there are none). */
export function worstLevel(items: Array<{ level: StatusLine['level'] }>): StatusLine['level'] {
  return items.reduce<StatusLine['level']>((worst, i) => (RANK[i.level] > RANK[worst] ? i.level : worst), 'ok');
}
