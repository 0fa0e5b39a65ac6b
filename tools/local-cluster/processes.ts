import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { waitFor } from './wait-for.js';

/**
 * Starts `argv` detached in its own process group, stdout and stderr appended to `logFile`, and
 * lets the caller exit without waiting for it. Whoever owns the cluster kills it by pid later.
 * `env` replaces the inherited environment when given.
 */
export function spawnDetached(argv: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...args] = argv;
  if (!command) return Promise.reject(new Error('spawnDetached: empty argv'));
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], ...(env ? { env } : {}) });
    return new Promise((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`could not start ${command}: ${e.message}`, { cause: e })));
      child.once('spawn', () => {
        child.unref();
        if (child.pid === undefined) reject(new Error(`could not start ${command}: no pid`));
        else resolve(child.pid);
      });
    });
  } finally {
    closeSync(fd);
  }
}

/** The one-letter state from /proc/<pid>/stat (R, S, T for stopped, Z…), undefined when gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is a live (not zombie) process whose command line mentions `argv0`, so a pid
 * recycled by an unrelated process is never mistaken for ours. Without /proc, trusts kill(0).
 */
export function isAlive(pid: number, argv0?: string): boolean {
  if (existsSync('/proc/self/stat')) {
    const state = procState(pid);
    if (state === undefined || state === 'Z' || state === 'X') return false;
    if (!argv0) return true;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(basename(argv0));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to `pid` if it is still ours; a process that is already gone is not an error. */
export function signalPid(pid: number, signal: NodeJS.Signals, argv0?: string): void {
  if (!isAlive(pid, argv0)) return;
  try {
    process.kill(pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * Resolves once `pid` has exited (gone or a zombie). Polls: there is no exit event for a process we
 * did not spawn. No command-line check here: an exiting process has already lost its command line.
 */
export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const gone = () => {
    const state = procState(pid);
    return state === undefined || state === 'Z' || state === 'X';
  };
  await waitFor(`pid ${pid} to exit`, () => (existsSync('/proc/self/stat') ? gone() : !isAlive(pid)), { timeoutMs, intervalMs: 20 });
}

/** Last lines of a log file, for error messages when a process fails to come up. */
export function tailLog(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
