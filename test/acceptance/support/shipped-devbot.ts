/**
 * What a user runs, and nothing else: `devbot serve` and `devbot worker` started from bin/devbot.mjs
 * with a config file written as the README shows, and `devbot <cli verb>` run to completion.
 * Nothing here (or in any test/acceptance file) imports from src/: the lint rule enforces it.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProcessGroup, DEVBOT_BIN, shippedEnv, type DevbotProcess, type ProcessGroup } from '../../harness/devbot-processes.js';

export const SIGNING_SECRET = 'acceptance-signing-secret';
export const BOT_TOKEN = 'xoxb-acceptance-token';

export interface Shipped {
  group: ProcessGroup;
  /** Writes `yaml` as `<name>.yaml` in the group's directory and returns its path. */
  writeConfig(name: string, yaml: string): string;
  /** `devbot serve --config <file>` with the Slack secrets (and `env`) in its environment. */
  serve(name: string, configFile: string, env?: Record<string, string>): Promise<DevbotProcess & { url: string }>;
  /** `devbot worker --config <file>`. */
  worker(name: string, configFile: string, env?: Record<string, string>): Promise<DevbotProcess>;
  /** `devbot serve`, then one `devbot worker` (with `workerEnv`), on the same config, as a one-host deployment starts them; resolves with serve's URL. */
  serveAndWorker(configFile: string, workerEnv?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

/** The environment a deployment gives devbot: Redis, the Slack API fake, the secrets. */
export function slackEnv(redisUrl: string, slackApiUrl: string): Record<string, string> {
  return {
    DEVBOT_REDIS_URL: redisUrl,
    DEVBOT_SLACK_API_URL: slackApiUrl,
    DEVBOT_SLACK_BOT_TOKEN: BOT_TOKEN,
    DEVBOT_SLACK_SIGNING_SECRET: SIGNING_SECRET,
  };
}

export function startShipped(label: string, baseEnv: Record<string, string>): Shipped {
  const group = createProcessGroup(`acceptance-${label}`);
  const shipped: Shipped = {
    group,
    writeConfig(name, yaml) {
      const file = join(group.dir, `${name}.yaml`);
      writeFileSync(file, yaml);
      return file;
    },
    async serve(name, configFile, env = {}) {
      const p = await group.startShipped('serve', name, { configFile, env: { ...baseEnv, ...env } });
      return { ...p, url: `http://127.0.0.1:${p.port}` };
    },
    worker: (name, configFile, env = {}) => group.startShipped('worker', name, { configFile, env: { ...baseEnv, ...env } }),
    async serveAndWorker(configFile, workerEnv = {}) {
      const serve = await shipped.serve('serve', configFile);
      await shipped.worker('worker', configFile, workerEnv);
      return serve.url;
    },
    stop: () => group.stop(),
  };
  return shipped;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `devbot <args…>` to its end (bounded), as a user in a terminal would, and returns what it printed. */
export function runDevbotCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CliRun> {
  return runProcess(process.execPath, [DEVBOT_BIN, ...args], opts);
}

/** Runs a program to its end with `input` on stdin, killing it after `timeoutMs`. */
export function runProcess(command: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? process.cwd(), env: shippedEnv(opts.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 30_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
