/**
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment), because
 * "deplyo" is one slip of the fingers, not two.
 */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Words longer than this are not a slip of a known word; comparing them is wasted work. */
const MAX_WORD = 32;

/**
 * The candidate the user most likely meant: one that starts with what they typed (2+ letters),
 * else the closest within two edits (one for words of three letters or fewer). Undefined when
 * nothing is close.
 */
export function suggestNearest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  if (typed.length === 0 || typed.length > MAX_WORD) return undefined;
  if (typed.length >= 2) {
    const prefixed = candidates.find((c) => c.startsWith(typed));
    if (prefixed) return prefixed;
  }
  const allowed = typed.length <= 3 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate);
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
