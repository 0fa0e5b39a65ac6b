import { rmSync } from 'node:fs';
import { pingRedis } from './redis.js';
import { isAlive, procState, signalPid, spawnDetached, tailLog, waitForExit } from './processes.js';
import { findProcess, readState, updateProcess, type ClusterState, type ProcessEntry } from './state.js';
import { isListening, waitFor } from './wait-for.js';

/** Waits until a freshly spawned process accepts connections; throws with its log if it dies. */
export async function waitUntilUp(entry: ProcessEntry, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${entry.name} (pid ${entry.pid}) to listen on port ${entry.port}`, async () => {
    if (!isAlive(entry.pid, entry.argv[0])) {
      throw new Error(`${entry.name} exited while starting; log ${entry.logFile}:\n${tailLog(entry.logFile)}`);
    }
    return entry.kind === 'redis' ? pingRedis(entry.port) : isListening(entry.port);
  }, { timeoutMs });
}

/** Kills one process (SIGKILL unless told otherwise) and waits until it has exited. Idempotent. */
export async function stopMember(stateFile: string, name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const entry = findProcess(readState(stateFile), name);
  if (isAlive(entry.pid, entry.argv[0])) {
    signalPid(entry.pid, signal, entry.argv[0]);
    // A stopped process only acts on signals other than SIGKILL once it runs again.
    if (signal !== 'SIGKILL') signalPid(entry.pid, 'SIGCONT', entry.argv[0]);
    await waitForExit(entry.pid);
  }
  updateProcess(stateFile, name, { status: 'stopped' });
}

/**
 * Respawns a stopped process with its recorded argv (same ports, same data dir), records the new
 * pid and waits until it listens. A running one is left alone; a frozen one is thawed.
 * An etcd member listens before it has rejoined; wait for quorum separately.
 */
export async function startMember(stateFile: string, name: string): Promise<void> {
  const entry = findProcess(readState(stateFile), name);
  if (isAlive(entry.pid, entry.argv[0])) {
    signalPid(entry.pid, 'SIGCONT', entry.argv[0]);
    updateProcess(stateFile, name, { status: 'running' });
    return;
  }
  const pid = await spawnDetached(entry.argv, entry.logFile);
  updateProcess(stateFile, name, { pid, status: 'running' });
  await waitUntilUp({ ...entry, pid });
}

/** SIGSTOP: the process keeps its sockets open but answers nothing, like a hung machine. */
export async function freezeMember(stateFile: string, name: string): Promise<void> {
  const entry = findProcess(readState(stateFile), name);
  signalPid(entry.pid, 'SIGSTOP', entry.argv[0]);
  await waitFor(`${name} to stop`, () => procState(entry.pid) === 'T', { timeoutMs: 5_000, intervalMs: 10 });
  updateProcess(stateFile, name, { status: 'frozen' });
}

export async function thawMember(stateFile: string, name: string): Promise<void> {
  const entry = findProcess(readState(stateFile), name);
  signalPid(entry.pid, 'SIGCONT', entry.argv[0]);
  updateProcess(stateFile, name, { status: 'running' });
}

/** Synchronous SIGKILL of every process still ours; safe in a process 'exit' handler. Returns their pids. */
export function killAllSync(state: ClusterState): number[] {
  const live = state.processes.filter((p) => isAlive(p.pid, p.argv[0]));
  for (const p of live) signalPid(p.pid, 'SIGKILL', p.argv[0]);
  return live.map((p) => p.pid);
}

/** Kills every process of the cluster, waits for them to exit and removes the cluster directory. */
export async function stopAll(stateFile: string, opts: { keepDir?: boolean } = {}): Promise<void> {
  const state = readState(stateFile);
  await Promise.all(killAllSync(state).map((pid) => waitForExit(pid)));
  if (!opts.keepDir) rmSync(state.dir, { recursive: true, force: true });
}
