import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';

/** Loads the config for a CLI command, or prints why it cannot and exits 2. */
export function loadForCli(file: string | undefined, opts: { defaultLevel?: string } = {}): { config: Config; log: Logger } {
  try {
    if (!file) throw new ConfigError('No config file: pass --config <file> or set DEVBOT_CONFIG (start from config/devbot.example.yaml).');
    const config = loadConfig({ files: [file], env: process.env });
    // The console prints what users need; its log stays quiet unless DEVBOT_LOG_LEVEL asks otherwise.
    const level = opts.defaultLevel && !process.env['DEVBOT_LOG_LEVEL'] ? opts.defaultLevel : config.log.level;
    return { config, log: createLogger({ level }) };
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.userFacing}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** Runs `stop` once on SIGINT/SIGTERM, then exits. */
export function onShutdown(stop: () => Promise<void>, log: Logger): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'error while shutting down');
      process.exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
