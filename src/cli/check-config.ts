import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../errors.js';
import { loadCatalog } from '../units/load-catalog.js';

/** `devbot check-config`: 0 when valid (with a summary), 2 with field-level errors otherwise. */
export function runCheckConfig(file: string | undefined): number {
  if (!file) {
    process.stderr.write('No config file: pass --config <file> or set DEVBOT_CONFIG.\n');
    return 2;
  }
  try {
    const c = loadConfig({ files: [file], env: process.env });
    // A broken catalog would otherwise surface only at the first deploy.
    const catalogs = Object.entries(c.environments).flatMap(([name, env]) => (env.fleet ? [`${name}: ${env.fleet.catalog} (${Object.keys(loadCatalog(env.fleet.catalog).services).length} services)`] : []));
    const secrets = ['botToken', 'signingSecret', 'appToken'].map((k) => `${k} ${c.slack[k as 'botToken'] ? 'set' : 'not set'}`);
    process.stdout.write(
      [
        `${file}: OK`,
        `  environments: ${Object.keys(c.environments).join(', ')}`,
        `  channels: ${Object.entries(c.channels).map(([n, ch]) => `#${n} → ${ch.environment}`).join(', ') || '(none)'}`,
        `  acl rules: ${c.acl.rules.length}`,
        `  service catalogs: ${catalogs.join(', ') || '(no fleet configured)'}`,
        `  slack: ${c.slack.appToken ? 'Socket Mode' : `HTTP on port ${c.slack.port}`}; ${secrets.join(', ')}`,
      ].join('\n') + '\n',
    );
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${file}: ${e.userFacing}\n`);
      return 2;
    }
    throw e;
  }
}
