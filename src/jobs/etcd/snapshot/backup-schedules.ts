import type { Deps } from '../../../deps.js';
import type { JobData } from '../../../ports/queue.js';

/** The job kind the schedules queue (jobs/etcd-scheduled.job.ts). */
export const ETCD_SCHEDULED_KIND = 'etcd-scheduled';

export type ScheduledAction = 'snapshot' | 'drill';

/** The BullMQ job scheduler id of an environment's snapshots or drills, shared by every worker. */
export const scheduleIdOf = (action: ScheduledAction, environment: string) => `etcd-${action}-${environment}`;

/** What a schedule queues each tick. */
export function scheduledJobData(action: ScheduledAction, environment: string, now: Date): JobData {
  return {
    kind: ETCD_SCHEDULED_KIND,
    payload: { action, environment },
    requestedBy: { user: 'devbot', channel: '', channelName: '' },
    environment,
    text: `etcd ${action} (scheduled)`,
    transport: { kind: 'slack' },
    requestedAt: now.toISOString(),
  };
}

export interface ScheduleState {
  environment: string;
  snapshotEveryMs?: number;
  drillEveryMs?: number;
}

/**
 * Makes the queue's snapshot and drill schedules match the config; every `devbot worker` calls it
 * at startup. Idempotent like the alert watcher's: one scheduler per environment and action,
 * updated when the interval changes, removed when `etcd.backup` (or its `drill.intervalMs`) is not
 * configured, or the environment is gone from the config. The last worker started decides, as for alerts.
 */
export async function registerBackupSchedules(deps: Pick<Deps, 'config' | 'queue' | 'now'>): Promise<ScheduleState[]> {
  const states: ScheduleState[] = [];
  for (const [environment, env] of Object.entries(deps.config.environments)) {
    const backup = env.etcd.backup;
    const drillEveryMs = backup?.drill.intervalMs;
    if (backup) await deps.queue.repeat(scheduleIdOf('snapshot', environment), backup.intervalMs, scheduledJobData('snapshot', environment, deps.now()));
    else await deps.queue.unrepeat(scheduleIdOf('snapshot', environment));
    if (drillEveryMs) await deps.queue.repeat(scheduleIdOf('drill', environment), drillEveryMs, scheduledJobData('drill', environment, deps.now()));
    else await deps.queue.unrepeat(scheduleIdOf('drill', environment));
    states.push({ environment, snapshotEveryMs: backup?.intervalMs, drillEveryMs });
  }
  // Schedules of environments no longer in the config at all.
  const known = new Set(Object.keys(deps.config.environments).flatMap((e) => [scheduleIdOf('snapshot', e), scheduleIdOf('drill', e)]));
  for (const id of await deps.queue.repeats()) if (/^etcd-(snapshot|drill)-/.test(id) && !known.has(id)) await deps.queue.unrepeat(id);
  return states;
}
