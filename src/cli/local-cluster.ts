import { existsSync, readFileSync } from 'node:fs';
import { runLocalClusterCli } from '../../tools/local-cluster/cli.js';

/** Where `npm run demo` records the state file of the cluster it is running. */
export const CURRENT_DEMO_STATE = '.local-cluster/current-state';

const ALIASES: Record<string, string> = { stop: 'stop-member', start: 'start-member' };

/**
 * `devbot local-cluster stop e2` (also start, freeze, thaw, status, and replace: the member's
 * machine replaced as its autoscaling group would, the new one rejoining through the main nodes'
 * boot script) against the cluster of the running `npm run demo`, or the one named with --state.
 * `config` is the config whose template's boot script `replace` runs (default config/demo.yaml).
 * Returns the exit code.
 */
export async function runLocalCluster(verb: string, name: string | undefined, opts: { state?: string; signal?: string; config?: string }): Promise<number> {
  const state = opts.state ?? (existsSync(CURRENT_DEMO_STATE) ? readFileSync(CURRENT_DEMO_STATE, 'utf8').trim() : undefined);
  if (!state || !existsSync(state)) {
    process.stderr.write('No local cluster is running: start one with `npm run demo` (or pass --state <file>).\n');
    return 2;
  }
  const args = [ALIASES[verb] ?? verb, ...(name ? [name] : []), '--state', state, ...(opts.signal ? ['--signal', opts.signal] : []), ...(opts.config ? ['--config', opts.config] : [])];
  try {
    return await runLocalClusterCli(args, (line) => process.stdout.write(`${line}\n`));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
}
