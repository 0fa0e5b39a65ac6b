import type { Deps } from '../deps.js';
import { ALERTS_EVALUATE_KIND } from '../jobs/alerts-evaluate.job.js';

/** The BullMQ job scheduler id of the alert evaluation, shared by every worker. */
export const ALERTS_SCHEDULER_ID = 'alerts-watch';

/**
 * Makes the queue's alert schedule match the config; every `devbot worker` calls it at startup.
 * Idempotent: the scheduler is upserted under one id (a changed `alerts.intervalMs` updates it, a
 * second worker changes nothing), and removed when `alerts.enabled` is false. However many workers
 * run, BullMQ queues one evaluation per tick and the evaluation's own lock keeps them from overlapping.
 */
export async function startAlertWatcher(deps: Pick<Deps, 'config' | 'queue' | 'now'>): Promise<'scheduled' | 'removed'> {
  if (!deps.config.alerts.enabled) {
    await deps.queue.unrepeat(ALERTS_SCHEDULER_ID);
    return 'removed';
  }
  await deps.queue.repeat(ALERTS_SCHEDULER_ID, deps.config.alerts.intervalMs, {
    kind: ALERTS_EVALUATE_KIND,
    payload: {},
    requestedBy: { user: 'devbot', channel: '', channelName: '' },
    environment: '',
    text: 'alerts evaluation',
    transport: { kind: 'slack' },
    requestedAt: deps.now().toISOString(),
  });
  return 'scheduled';
}
