import { z } from 'zod';
import { ConflictError } from '../errors.js';
import { FencedError } from '../ports/locks.js';
import { runDrill } from './etcd/drill/run-drill.js';
import { ETCD_SCHEDULED_KIND, scheduleIdOf } from './etcd/snapshot/backup-schedules.js';
import { takeSnapshot } from './etcd/snapshot/take-snapshot.js';
import type { JobKind } from './job-kind.js';

const payloadSchema = z.object({ action: z.enum(['snapshot', 'drill']), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/**
 * A snapshot or drill queued by an environment's schedule (jobs/etcd/snapshot/backup-schedules.ts).
 * Internal: it posts nothing; a failure is recorded, and the `etcd-backup-stale` alert tells. A
 * tick that finds the previous one still running is skipped.
 */
export const etcdScheduledJob: JobKind<Payload> = {
  kind: ETCD_SCHEDULED_KIND,
  internal: true,
  payloadSchema,
  async run({ action, environment }, ctx) {
    const { deps, log } = ctx;
    const backup = deps.config.environments[environment]?.etcd.backup;
    if (!backup || (action === 'drill' && !backup.drill.intervalMs)) {
      // Another worker, started with another config, registered it: the last one started decides.
      log.warn({ environment, action, scheduler: scheduleIdOf(action, environment) }, 'scheduled, but not configured in this worker; skipping');
      return;
    }
    const run = { deps, jobId: ctx.jobId, log, signal: ctx.signal, progress: ctx.progress, scheduled: true, text: ctx.data.text, user: 'devbot' };
    try {
      if (action === 'snapshot') await takeSnapshot(environment, run);
      else await runDrill(environment, run);
    } catch (e) {
      if (e instanceof ConflictError && !(e instanceof FencedError)) {
        log.info({ environment, action }, 'the previous one is still running; skipping this tick');
        return;
      }
      throw e;
    }
  },
};
