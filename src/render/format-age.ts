/** An age as people say it: "40 min", "5.5 h", "3 days". */
export function formatAge(ms: number): string {
  if (ms < 2 * 3600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${(ms / 3600_000).toFixed(1)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}
