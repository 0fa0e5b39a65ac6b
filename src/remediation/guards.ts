import type { RemediationPause } from '../ports/remediation-store.js';

export interface GuardFacts {
  environment: string;
  pauses: Record<string, RemediationPause>;
  /** Whether the environment's etcd had quorum at this evaluation (unknown counts as no). */
  hasQuorum: boolean | undefined;
  startsInLastHour: number;
  maxPerHour: number;
}

/** Why no automatic action may start now, or undefined when every guard lets it. Pure. */
export function blockedBy(f: GuardFacts): { reason: string; note: string } | undefined {
  const paused = f.pauses[f.environment] ?? f.pauses['*'];
  if (paused) {
    const where = f.pauses[f.environment] ? `in ${f.environment}` : 'everywhere';
    return { note: 'paused', reason: `auto-remediation is paused ${where} (by <@${paused.by}> at ${paused.at.slice(11, 19)} UTC; \`/dev remediation resume${f.pauses[f.environment] ? ` --env ${f.environment}` : ' --all'}\` turns it back on)` };
  }
  // Replacing or restarting anything while etcd cannot agree risks the last working members.
  if (f.hasQuorum !== true) return { note: 'quorum', reason: `etcd in ${f.environment} has no quorum: devbot does not act by itself until it is back` };
  if (f.startsInLastHour >= f.maxPerHour) {
    return { note: 'cap', reason: `${f.startsInLastHour} automatic action${f.startsInLastHour === 1 ? '' : 's'} already started in ${f.environment} in the last hour (maxPerHour: ${f.maxPerHour})` };
  }
  return undefined;
}
