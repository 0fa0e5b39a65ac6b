import { startBullmqWorker } from '../adapters/bullmq/bullmq-worker.js';
import { buildDeps } from '../build-deps.js';
import { loadForCli, onShutdown } from './load.js';

/** `devbot worker`: runs jobs until SIGINT/SIGTERM, finishing the ones in hand first. */
export async function runWorker(file: string | undefined): Promise<void> {
  const { config, log } = loadForCli(file);
  const deps = buildDeps(config, log.child({ component: 'worker' }));
  const worker = startBullmqWorker(deps);
  log.info({ queue: config.jobs.queue, concurrency: config.jobs.concurrency }, 'worker started');
  onShutdown(async () => {
    await worker.close();
    await deps.close();
  }, log);
}
