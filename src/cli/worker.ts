import { startBullmqWorker } from '../adapters/bullmq/bullmq-worker.js';
import { createOpsRoutes } from '../adapters/http/ops-routes.js';
import { startRoutesServer } from '../adapters/http/routes-server.js';
import { createPromMetrics } from '../adapters/metrics/prom-metrics.js';
import { startAlertTriggers } from '../alerts/start-triggers.js';
import { startAlertWatcher } from '../alerts/start-watcher.js';
import { buildDeps } from '../build-deps.js';
import { registerBackupSchedules } from '../jobs/etcd/snapshot/backup-schedules.js';
import type { Deps } from '../deps.js';
import { loadForCli, onShutdown } from './load.js';

/**
 * `devbot worker`: runs jobs until SIGINT/SIGTERM (finishing the ones in hand), with /healthz, /readyz, /metrics.
 * `opts.jobKinds` replaces the registered job kinds (tests register scripted kinds this way).
 */
export async function runWorker(file: string | undefined, opts: { jobKinds?: Deps['jobKinds'] } = {}): Promise<void> {
  const { config, log } = loadForCli(file);
  const metrics = createPromMetrics();
  const deps = buildDeps(config, log.child({ component: 'worker' }), { metrics });
  if (opts.jobKinds) deps.jobKinds = opts.jobKinds;
  metrics.setQueueDepthCollector(() => deps.queue.counts());
  const worker = startBullmqWorker(deps);
  const routes = createOpsRoutes({ checks: { redis: async () => void (await deps.queue.counts()) }, metrics, log: log.child({ component: 'ops' }) });
  // Metrics are not worth refusing jobs for: a taken port is logged and the worker runs on.
  const ops = await startRoutesServer({ routes, host: config.ops.host, port: config.ops.workerPort, what: 'the worker ops routes' }).catch((err: unknown) => {
    log.error({ err }, 'not serving /healthz, /readyz, /metrics');
    return undefined;
  });
  log.info({ queue: config.jobs.queue, concurrency: config.jobs.concurrency, opsPort: ops?.port }, 'worker started');
  const schedules = keepSchedulesRegistered(deps);
  const triggers = startAlertTriggers(deps);
  onShutdown(async () => {
    schedules.stop();
    await triggers.stop();
    await ops?.close();
    await worker.close();
    await deps.close();
  }, log);
}

/**
 * Registers the schedulers a worker owns (alert evaluation, etcd snapshots and drills) at startup. Redis may not answer yet
 * (the worker itself reconnects by itself), so a failed registration is logged and tried again
 * until it lands: a worker that runs jobs but never schedules alerts is the failure to avoid.
 */
function keepSchedulesRegistered(deps: Deps): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (delayMs: number): Promise<void> => {
    try {
      const outcome = await startAlertWatcher(deps);
      deps.log.info({ everyMs: deps.config.alerts.intervalMs, outcome }, outcome === 'scheduled' ? 'alert evaluation scheduled' : 'alert evaluation off (alerts.enabled: false)');
      const backups = await registerBackupSchedules(deps);
      deps.log.info({ backups }, 'etcd backup schedules registered');
    } catch (err) {
      deps.log.error({ err, retryInMs: delayMs }, 'could not register the alert schedule; trying again');
      if (!stopped) timer = setTimeout(() => void attempt(Math.min(delayMs * 2, 30_000)), delayMs);
    }
  };
  void attempt(1_000);
  return { stop: () => { stopped = true; clearTimeout(timer); } };
}
