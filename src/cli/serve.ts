import { createSlackApp } from '../adapters/slack/slack-app.js';
import { buildDeps } from '../build-deps.js';
import { handleCommand } from '../commands/handle-command.js';
import { loadForCli, onShutdown } from './load.js';

/** `devbot serve`: the Slack app. Commands are acked at once and run by workers. */
export async function runServe(file: string | undefined): Promise<void> {
  const { config, log } = loadForCli(file);
  const deps = buildDeps(config, log.child({ component: 'serve' }));
  const slack = await createSlackApp({ config, log: log.child({ component: 'slack' }), handleCommand: (input) => handleCommand(input, deps) });
  await slack.start();
  log.info({ port: slack.port(), socketMode: Boolean(config.slack.appToken) }, 'devbot is serving Slack');
  onShutdown(async () => {
    await slack.stop();
    await deps.close();
  }, log);
}
