import { startBullmqWorker } from '../adapters/bullmq/bullmq-worker.js';
import { runConsoleSession } from '../adapters/console/console-session.js';
import { startAlertWatcher } from '../alerts/start-watcher.js';
import { buildDeps } from '../build-deps.js';
import { handleAction } from '../commands/handle-action.js';
import { handleCommand } from '../commands/handle-command.js';
import { loadForCli } from './load.js';

/** `devbot console --as U --in C`: the Slack pipeline in the terminal. Resolves to the exit code. */
export async function runConsole(file: string | undefined, opts: { user: string; channel: string; withWorker: boolean }): Promise<number> {
  const { config, log } = loadForCli(file, { defaultLevel: 'error' });
  const deps = buildDeps(config, log.child({ component: 'console' }));
  const worker = opts.withWorker ? startBullmqWorker(deps) : undefined;
  if (worker) await startAlertWatcher(deps);
  try {
    return await runConsoleSession({
      redisUrl: config.redis.url,
      prefix: config.redis.prefix,
      user: opts.user,
      channel: opts.channel,
      queue: deps.queue,
      handleCommand: (input) => handleCommand(input, deps),
      handleAction: (input) => handleAction(input, deps),
      listeners: deps.consoleListeners,
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
    });
  } finally {
    await worker?.close();
    await deps.close();
  }
}
