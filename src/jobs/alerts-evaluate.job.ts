import { z } from 'zod';
import { evaluateAlerts } from '../alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../alerts/rules/index.js';
import type { JobKind } from './job-kind.js';

export const ALERTS_EVALUATE_KIND = 'alerts-evaluate';
/** Held while an evaluation runs; the underscore keeps it out of `/dev locks`. */
const EVALUATION_LOCK = '_alerts/evaluation';

/**
 * One evaluation of the alert rules. The job scheduler queues one per tick; this lock makes sure an
 * evaluation that outlives its tick never overlaps the next one, however many workers run.
 */
export const alertsEvaluateJob: JobKind<Record<string, never>> = {
  kind: ALERTS_EVALUATE_KIND,
  internal: true,
  payloadSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async run(_payload, { deps, jobId, log }) {
    const holder = { target: EVALUATION_LOCK, jobId, user: 'devbot', since: deps.now().toISOString(), text: 'alerts evaluation' };
    const got = await deps.locks.acquire(holder, 30_000);
    if (!got.acquired) {
      log.debug({ holder: got.holder.jobId }, 'another evaluation is running; skipping this tick');
      return;
    }
    try {
      await evaluateAlerts({ ...deps, rules: ALERT_RULES });
    } finally {
      await deps.locks.release(EVALUATION_LOCK, jobId);
    }
  },
};
