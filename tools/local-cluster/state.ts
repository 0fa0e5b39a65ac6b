import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** One process of the local cluster, with everything needed to kill or respawn it from anywhere. */
export interface ProcessEntry {
  name: string;
  kind: 'redis' | 'etcd';
  pid: number;
  /** Exact argv used to start it (argv[0] is the program); a respawn reuses it verbatim. */
  argv: string[];
  logFile: string;
  /** Port that accepts TCP once the process is up. */
  port: number;
  /** What the last control call did to it. */
  status: 'running' | 'stopped' | 'frozen';
}

export interface EtcdMemberEntry extends ProcessEntry {
  kind: 'etcd';
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
}

/** The JSON state file in the cluster's directory; any process can read it and control the cluster. */
export interface ClusterState {
  version: 1;
  dir: string;
  ownerPid: number;
  redisUrl: string;
  processes: Array<ProcessEntry | EtcdMemberEntry>;
}

export function readState(stateFile: string): ClusterState {
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
  if (state.version !== 1) throw new Error(`${stateFile}: unknown state version ${String(state.version)}`);
  return state;
}

/** Writes atomically (temp file + rename) so a concurrent reader never sees half a file. */
export function writeState(stateFile: string, state: ClusterState): void {
  const tmp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, stateFile);
}

export function findProcess(state: ClusterState, name: string): ProcessEntry {
  const entry = state.processes.find((p) => p.name === name);
  if (!entry) {
    const known = state.processes.map((p) => p.name).join(', ');
    throw new Error(`no process named "${name}" in this local cluster (known: ${known})`);
  }
  return entry;
}

/** Reads, changes one entry, writes back. */
export function updateProcess(stateFile: string, name: string, change: Partial<ProcessEntry>): void {
  const state = readState(stateFile);
  Object.assign(findProcess(state, name), change);
  writeState(stateFile, state);
}

export function isEtcdMember(p: ProcessEntry): p is EtcdMemberEntry {
  return p.kind === 'etcd';
}
