import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderedJoinScript, runJoinScript } from './boot-script.js';
import { ETCD_TUNING_FLAGS } from './etcd.js';
import { stopMember } from './members.js';
import { findProcess, isEtcdMember, readState, updateProcess } from './state.js';

/** The demo's config: its aws section is the stack whose main nodes' boot script a replacement runs. */
export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export interface ReplaceOptions {
  /** Config whose template's boot script runs (default: config/demo.yaml). */
  configFile?: string;
  /** The script's log, line by line. */
  out?: (line: string) => void;
  timeoutSeconds?: number;
}

/**
 * Plays the autoscaling group replacing a main node: kills the member, wipes its data dir (a new
 * instance has an empty disk), and starts a new one through the main nodes' boot script from the
 * rendered template, run with this member's loopback name, URLs and data dir. The script removes
 * the stale member, adds the new one as a learner, starts etcd and has it promoted. The new pid
 * and argv go into the state file, so stop / start keep working. Throws when the script fails.
 */
export async function replaceMember(stateFile: string, name: string, opts: ReplaceOptions = {}): Promise<void> {
  const state = readState(stateFile);
  const entry = findProcess(state, name);
  if (!isEtcdMember(entry)) throw new Error(`${name} is not an etcd member: only etcd members are replaced`);
  // Before anything is killed: a config that does not render stops here.
  const script = renderedJoinScript(opts.configFile ?? DEMO_CONFIG);
  const members = state.processes.filter(isEtcdMember);
  const tokenAt = entry.argv.indexOf('--initial-cluster-token');
  const token = (tokenAt >= 0 ? entry.argv[tokenAt + 1] : undefined) ?? 'devbot-local';

  opts.out?.(`${name}: killing it and wiping ${entry.dataDir}, as a terminated instance loses its disk`);
  await stopMember(stateFile, name, 'SIGKILL');
  rmSync(entry.dataDir, { recursive: true, force: true });

  opts.out?.(`${name}: a new node boots and runs the main nodes' boot script (etcd-join) from the rendered template`);
  const result = await runJoinScript(script, {
    name, clientUrl: entry.clientUrl, peerUrl: entry.peerUrl, dataDir: entry.dataDir,
    clusterMembers: members.map((m) => `${m.name}=${m.peerUrl}`).join(','),
    peerEndpoints: members.filter((m) => m.name !== name).map((m) => m.clientUrl),
    clusterToken: token, logFile: entry.logFile, workDir: state.dir, extraFlags: ETCD_TUNING_FLAGS,
    ...(opts.timeoutSeconds === undefined ? {} : { timeoutSeconds: opts.timeoutSeconds }),
    ...(opts.out ? { onLine: opts.out } : {}),
  });
  if (result.pid !== undefined && result.argv) updateProcess(stateFile, name, { pid: result.pid, argv: result.argv, status: 'running' });
  if (result.code !== 0) throw new Error(`${name}: the boot script exited with ${result.code}; etcd's log is ${entry.logFile}`);
  opts.out?.(`${name}: back as a voting member (pid ${result.pid ?? '?'})`);
}
