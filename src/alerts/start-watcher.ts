import type { Deps } from '../deps.js';
import { ALERTS_EVALUATE_KIND } from '../jobs/alerts-evaluate.job.js';

/** Registers the repeating evaluation (idempotent; every worker calls it at startup). */
export async function startAlertWatcher(deps: Pick<Deps, 'config' | 'queue' | 'now'>): Promise<void> {
  if (!deps.config.alerts.enabled) return;
  await deps.queue.repeat('alerts-watch', deps.config.alerts.intervalMs, {
    kind: ALERTS_EVALUATE_KIND,
    payload: {},
    requestedBy: { user: 'devbot', channel: '', channelName: '' },
    environment: '',
    text: 'alerts evaluation',
    transport: { kind: 'slack' },
    requestedAt: deps.now().toISOString(),
  });
}
