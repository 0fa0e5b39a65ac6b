/** Go's string order (fleet sorts with sort.Strings): by code unit, not by locale, and much cheaper. */
export const goCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const byName = (a: { name: string }, b: { name: string }): number => goCompare(a.name, b.name);
