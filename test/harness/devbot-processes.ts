/**
 * Real devbot processes (and a Redis of their own) for multi-process tests. Every process is
 * started detached with its log in the group's temp directory and listed in a state file that
 * tools/local-cluster's reaper reads: if the test process dies however it dies, the reaper kills
 * them all by pid and removes the directory. `stop()` does the same on a normal end.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { isAlive, procState, signalPid, spawnDetached, tailLog, waitForExit } from '../../tools/local-cluster/processes.js';
import { startReaper } from '../../tools/local-cluster/reaper.js';
import { pingRedis, redisArgv } from '../../tools/local-cluster/redis.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';

export interface TestProcess {
  name: string;
  pid: number;
  /** argv[0] is the program; a restart reuses it verbatim. */
  argv: string[];
  logFile: string;
}

export interface DevbotProcess extends TestProcess {
  role: 'serve' | 'worker';
  /** serve: the Slack receiver's port (/slack/events, /healthz). */
  port?: number;
  /** The ops routes' port (/healthz, /readyz, /metrics, on loopback), from the started line's `opsPort`. */
  opsPort?: number;
}

export interface RedisProcess extends TestProcess {
  port: number;
  url: string;
}

export interface ProcessGroup {
  dir: string;
  /**
   * Starts `devbot serve|worker` (test/harness/devbot-test-process.ts) with `env` laid over the
   * inherited environment. Resolves once it logged that it runs: a serve knows its port by then; a
   * worker may still be connecting to Redis (wait for the queue's worker count for that).
   */
  startDevbot(role: 'serve' | 'worker', name: string, env: Record<string, string>): Promise<DevbotProcess>;
  /**
   * Starts the shipped `devbot serve|worker --config <file>` (bin/devbot.mjs, what a user runs) with
   * the test runner's environment minus every DEVBOT_* variable, plus `env`. Resolves like startDevbot.
   */
  startShipped(role: 'serve' | 'worker', name: string, opts: { configFile: string; env: Record<string, string> }): Promise<DevbotProcess>;
  /** A redis-server on a free port with AOF on and fsync at every write, data in a directory of its own. */
  startRedis(name: string): Promise<RedisProcess>;
  /** Respawns a killed Redis with the same argv (same port, same data): it replays its AOF. */
  restartRedis(redis: RedisProcess): Promise<RedisProcess>;
  /**
   * Resolves once the process's log has a line containing `text`: the only way to see inside another
   * process, so a bounded poll.
   */
  waitForLog(p: TestProcess, text: string, timeoutMs?: number): Promise<string>;
  /** SIGSTOP, like a process that hangs (a long GC pause, a paused VM): sockets open, nothing runs. */
  freeze(p: TestProcess): Promise<void>;
  /** SIGCONT: the process carries on where it stopped, its timers all overdue. */
  thaw(p: TestProcess): void;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. */
  kill(p: TestProcess, signal?: NodeJS.Signals): Promise<void>;
  /** Kills every process still running, removes the directory, releases the reaper. */
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./devbot-test-process.ts', import.meta.url));
/** What `npx devbot` runs. */
export const DEVBOT_BIN = fileURLToPath(new URL('../../bin/devbot.mjs', import.meta.url));

/** The runner's environment without DEVBOT_* (so a developer's shell never leaks in), plus `env`. */
export function shippedEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DEVBOT_')));
  return { ...base, AWS_EC2_METADATA_DISABLED: 'true', ...env };
}

/** The log line a devbot process writes once it runs; it carries the ops port (`opsPort`), a serve's its Slack `port` too. */
function startedLineOf(role: 'serve' | 'worker'): string {
  return role === 'serve' ? '"msg":"devbot is serving Slack"' : '"msg":"worker started"';
}

export function createProcessGroup(label: string): ProcessGroup {
  const dir = mkdtempSync(join(tmpdir(), `devbot-procs-${label}-`));
  const stateFile = join(dir, 'state.json');
  // Every process started and not yet seen to exit, by pid (a restarted one is a new entry).
  const live = new Map<number, TestProcess>();
  // The reaper reads `dir` and `processes[].{pid, argv}` (tools/local-cluster/reaper.mjs).
  const record = () => writeFileSync(stateFile, JSON.stringify({ version: 1, dir, ownerPid: process.pid, processes: [...live.values()] }));
  record();
  const reaper = startReaper(stateFile);

  const spawnRecorded = async <T extends TestProcess>(p: Omit<T, 'pid'>, env?: NodeJS.ProcessEnv): Promise<T> => {
    const started = { ...p, pid: await spawnDetached(p.argv, p.logFile, env) } as T;
    live.set(started.pid, started);
    record();
    return started;
  };

  // No event crosses the process boundary: poll its log, bounded, and fail fast if it died.
  const waitUntilStarted = async (p: DevbotProcess, role: 'serve' | 'worker'): Promise<DevbotProcess> => {
    const startedLine = await waitFor(`${p.name} (pid ${p.pid}) to start`, () => {
      if (!isAlive(p.pid, p.argv[0])) throw new Error(`${p.name} exited while starting:\n${tailLog(p.logFile)}`);
      return readFileSync(p.logFile, 'utf8').split('\n').find((l) => l.includes(startedLineOf(role)));
    }, { timeoutMs: 30_000, intervalMs: 50 });
    const { port, opsPort } = JSON.parse(startedLine) as { port?: number; opsPort?: number };
    return role === 'serve' ? { ...p, port, opsPort } : { ...p, opsPort };
  };

  const waitUntilRedisUp = (r: RedisProcess) =>
    waitFor(`${r.name} (pid ${r.pid}) to answer PING on port ${r.port}`, async () => {
      if (!isAlive(r.pid, r.argv[0])) throw new Error(`${r.name} exited while starting:\n${tailLog(r.logFile)}`);
      return pingRedis(r.port);
    }, { timeoutMs: 15_000, intervalMs: 20 });

  return {
    dir,
    async startDevbot(role, name, env) {
      const settings = join(dir, `${name}.json`);
      writeFileSync(settings, JSON.stringify({ env }));
      const p = await spawnRecorded<DevbotProcess>({
        name, role, argv: [process.execPath, '--import', 'tsx', ENTRY, role, settings], logFile: join(dir, `${name}.log`),
      });
      return waitUntilStarted(p, role);
    },
    async startShipped(role, name, { configFile, env }) {
      const p = await spawnRecorded<DevbotProcess>(
        { name, role, argv: [process.execPath, DEVBOT_BIN, role, '--config', configFile], logFile: join(dir, `${name}.log`) },
        shippedEnv(env),
      );
      return waitUntilStarted(p, role);
    },
    async startRedis(name) {
      const [port = 0] = await freePorts(1);
      const data = join(dir, name);
      mkdirSync(data);
      const argv = [...redisArgv(port, data, { appendonly: true }), '--appendfsync', 'always'];
      const r = await spawnRecorded<RedisProcess>({ name, argv, logFile: join(dir, `${name}.log`), port, url: `redis://127.0.0.1:${port}` });
      await waitUntilRedisUp(r);
      return r;
    },
    async restartRedis(redis) {
      // Another redis-server on the port would answer our PINGs while the new one fails to bind.
      if (isAlive(redis.pid, redis.argv[0])) throw new Error(`${redis.name} (pid ${redis.pid}) is still running; kill it first`);
      const r = await spawnRecorded<RedisProcess>({ ...redis });
      await waitUntilRedisUp(r);
      return r;
    },
    waitForLog: (p, text, timeoutMs = 15_000) =>
      waitFor(`"${text}" in the log of ${p.name}`, () => readFileSync(p.logFile, 'utf8').split('\n').find((l) => l.includes(text)), { timeoutMs, intervalMs: 50 }),
    async freeze(p) {
      signalPid(p.pid, 'SIGSTOP', p.argv[0]);
      await waitFor(`${p.name} to stop`, () => procState(p.pid) === 'T', { timeoutMs: 5_000, intervalMs: 10 });
    },
    thaw: (p) => signalPid(p.pid, 'SIGCONT', p.argv[0]),
    async kill(p, signal = 'SIGKILL') {
      signalPid(p.pid, signal, p.argv[0]);
      await waitForExit(p.pid);
      live.delete(p.pid);
      record();
    },
    async stop() {
      const all = [...live.values()];
      for (const p of all) signalPid(p.pid, 'SIGKILL', p.argv[0]);
      await Promise.all(all.map((p) => waitForExit(p.pid)));
      live.clear();
      // Without its state file the reaper leaves quietly when released.
      rmSync(stateFile, { force: true });
      if (process.env['DEVBOT_TEST_KEEP_LOGS'] !== '1') rmSync(dir, { recursive: true, force: true });
      reaper.release();
    },
  };
}
