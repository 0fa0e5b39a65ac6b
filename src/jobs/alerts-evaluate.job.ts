import { z } from 'zod';
import { evaluateAlerts } from '../alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../alerts/rules/index.js';
import type { Deps } from '../deps.js';
import { refreshHomes } from '../home/publish-home.js';
import type { Logger } from '../log.js';
import type { JobKind } from './job-kind.js';

export const ALERTS_EVALUATE_KIND = 'alerts-evaluate';
/** Held while an evaluation runs; the underscore keeps it out of `/dev locks`. */
const EVALUATION_LOCK = '_alerts/evaluation';

/**
 * One evaluation of the alert rules, unless one is running already (in this process or another):
 * the lock makes sure evaluations never overlap, however many workers run and whatever started
 * them (the job scheduler's tick, or a member stream breaking: src/alerts/start-triggers.ts).
 * Resolves to whether it ran.
 */
export async function evaluateUnlessRunning(deps: Deps, jobId: string, log: Logger): Promise<boolean> {
  const holder = { target: EVALUATION_LOCK, jobId, user: 'devbot', since: deps.now().toISOString(), text: 'alerts evaluation' };
  const got = await deps.locks.acquire(holder, 30_000);
  if (!got.acquired) {
    log.debug({ holder: got.holder.jobId }, 'another evaluation is running; skipping this one');
    return false;
  }
  try {
    await evaluateAlerts({ ...deps, rules: ALERT_RULES, onAlertsChanged: () => refreshHomes(deps) });
    return true;
  } finally {
    await deps.locks.release(EVALUATION_LOCK, jobId);
  }
}

/** The evaluation on the job scheduler's tick: one per tick is queued, whatever the number of workers. */
export const alertsEvaluateJob: JobKind<Record<string, never>> = {
  kind: ALERTS_EVALUATE_KIND,
  internal: true,
  payloadSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  async run(_payload, { deps, jobId, log }) {
    await evaluateUnlessRunning(deps, jobId, log);
  },
};
