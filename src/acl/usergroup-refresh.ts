import type { Logger } from '../log.js';
import type { UsergroupMembership } from './usergroup-membership.js';

/**
 * Keeps the cached user groups fresh in the background, so commands are answered from the cache
 * and not held up by Slack's Tier 2 limit. Every replica runs one; the shared cache makes the
 * later ones skip groups read lately.
 */
export function startUsergroupRefresh(membership: UsergroupMembership, everyMs: number, log: Logger): { stop(): void } {
  let running = false;
  const tick = (): void => {
    if (running) return;
    running = true;
    membership.refresh().catch((err: unknown) => log.warn({ err }, 'Slack user group refresh failed')).finally(() => (running = false));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
