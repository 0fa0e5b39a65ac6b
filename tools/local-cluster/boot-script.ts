import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runRenderTemplate } from '../../src/cli/render-template.js';
import { NODE_PATHS } from '../../src/stack/etcd-units.js';
import type { CfnTemplate } from '../../src/stack/template/template.js';

/**
 * The main nodes' boot script (etcd-join) taken out of a rendered template, and run on this
 * machine against loopback members: what `devbot local-cluster replace` and the tests use, so
 * the script they run is the one a main node runs.
 */

/** etcd-join as the main launch template's user data writes it. */
export function joinScriptOf(template: CfnTemplate): string {
  const data = (template.Resources['MainLaunchTemplate']?.Properties as { LaunchTemplateData?: { UserData?: { 'Fn::Base64'?: unknown } } } | undefined)?.LaunchTemplateData;
  const userData = data?.UserData?.['Fn::Base64'];
  if (typeof userData !== 'string') throw new Error('the template has no main launch template with cloud-config user data');
  const files = (parse(userData) as { write_files?: Array<{ path: string; content: string }> }).write_files ?? [];
  const file = files.find((f) => f.path === NODE_PATHS.joinScript);
  if (!file) throw new Error(`the main nodes' cloud-config writes no ${NODE_PATHS.joinScript}`);
  return file.content;
}

/** Renders the template as `devbot render template --config <file> [--env E]` does, and takes etcd-join out of it. */
export function renderedJoinScript(configFile: string, env?: string): string {
  let out = '';
  let err = '';
  const code = runRenderTemplate(configFile, env === undefined ? {} : { env }, { out: (t) => void (out += t), err: (t) => void (err += t) });
  if (!out) throw new Error(`devbot render template --config ${configFile} failed (exit ${code}): ${err.trim()}`);
  return joinScriptOf(JSON.parse(out) as CfnTemplate);
}

export interface LocalJoin {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  /** Every member as name=peer URL (this one included). */
  clusterMembers: string;
  /** The other members' client URLs. */
  peerEndpoints: string[];
  clusterToken: string;
  /** etcd's stdout and stderr are appended here. */
  logFile: string;
  /** Where the script's argument and pid files go. */
  workDir: string;
  extraFlags?: string[];
  /** JOIN_TIMEOUT and JOIN_PROMOTE_TIMEOUT, seconds. */
  timeoutSeconds?: number;
  /** Each line the script logs, as it comes. */
  onLine?: (line: string) => void;
}

export interface JoinResult {
  code: number;
  output: string;
  /** The etcd it started (undefined when it started none): its pid and exact argv. */
  pid?: number;
  argv?: string[];
}

/**
 * Runs etcd-join with bash for a loopback member: the real etcdctl, and etcd started in a session
 * of its own (setsid) instead of through systemd, so it outlives the script like a unit does.
 */
export async function runJoinScript(script: string, p: LocalJoin): Promise<JoinResult> {
  const dir = mkdtempSync(join(p.workDir, `join-${p.name}-`));
  const scriptFile = join(dir, 'etcd-join');
  const pidFile = join(dir, 'etcd.pid');
  const argsFile = join(dir, 'etcd-member.env');
  writeFileSync(scriptFile, script, { mode: 0o755 });
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    MEMBER_NAME: p.name,
    MEMBER_CLIENT_URL: p.clientUrl,
    MEMBER_PEER_URL: p.peerUrl,
    MEMBER_LISTEN_CLIENT_URLS: p.clientUrl,
    MEMBER_LISTEN_PEER_URLS: p.peerUrl,
    MEMBER_DATA_DIR: p.dataDir,
    CLUSTER_MEMBERS: p.clusterMembers,
    CLUSTER_TOKEN: p.clusterToken,
    CLUSTER_DISCOVERY: '',
    PEER_ENDPOINTS: p.peerEndpoints.join(','),
    JOIN_ETCDCTL: 'etcdctl',
    JOIN_START: 'setsid etcd $MEMBER_ARGS >>"$JOIN_LOG" 2>&1 </dev/null & echo $! >"$JOIN_PID_FILE"',
    JOIN_LOG: p.logFile,
    JOIN_PID_FILE: pidFile,
    JOIN_ARGS_FILE: argsFile,
    JOIN_EXTRA_FLAGS: (p.extraFlags ?? []).join(' '),
    JOIN_TIMEOUT: String(p.timeoutSeconds ?? 60),
    JOIN_PROMOTE_TIMEOUT: String(p.timeoutSeconds ?? 60),
  };
  const child = spawn('bash', [scriptFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let pending = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) p.onLine?.(line);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? 1));
  });
  if (pending) p.onLine?.(pending);
  const result: JoinResult = { code, output };
  try {
    result.pid = Number(readFileSync(pidFile, 'utf8').trim());
    const args = /^MEMBER_ARGS=(.*)$/m.exec(readFileSync(argsFile, 'utf8'))?.[1] ?? '';
    result.argv = ['etcd', ...args.split(' ').filter(Boolean)];
  } catch {
    // It started no etcd.
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}
