import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clientUrlOf, etcdArgv, isEtcdHealthy, peerUrlOf, type EtcdMemberPlan } from './etcd.js';
import { freePorts } from './free-port.js';
import { killAllSync, stopAll, waitUntilUp } from './members.js';
import { spawnDetached } from './processes.js';
import { startReaper } from './reaper.js';
import { redisArgv } from './redis.js';
import { isEtcdMember, readState, writeState, type ClusterState, type EtcdMemberEntry, type ProcessEntry } from './state.js';
import { waitFor } from './wait-for.js';

export interface LocalEtcdMember { name: string; clientUrl: string; peerUrl: string; pid: number }

export interface LocalCluster {
  dir: string;
  redisUrl: string;
  etcd: { endpoints: string[]; members: LocalEtcdMember[] };
  /** JSON state file; hand it to stopMember/startMember/... from any process. */
  stateFile: string;
  /** Kills every process by pid and removes the directory (unless keepDir). */
  stop(): Promise<void>;
}

export interface StartOptions {
  memberNames?: string[];
  redisAppendonly?: boolean;
  /** Keep the directory (data and logs) after stop, for post-mortems. */
  keepDir?: boolean;
  /** Parent of the cluster's temp directory; defaults to the OS temp dir. */
  parentDir?: string;
}

/**
 * Starts one redis-server and a static etcd cluster on free loopback ports, each process detached
 * with its log in the cluster directory, and resolves once Redis answers PING and every etcd member
 * reports healthy. The processes die with this process (exit hook, plus a reaper for hard kills).
 */
export async function startLocalCluster(opts: StartOptions = {}): Promise<LocalCluster> {
  const names = opts.memberNames ?? ['e1', 'e2', 'e3'];
  const parent = resolve(opts.parentDir ?? tmpdir());
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'devbot-cluster-'));
  const stateFile = join(dir, 'state.json');
  const [redisPort = 0, ...etcdPorts] = await freePorts(1 + 2 * names.length);
  const plans: EtcdMemberPlan[] = names.map((name, i) => ({
    name, clientPort: etcdPorts[2 * i] ?? 0, peerPort: etcdPorts[2 * i + 1] ?? 0, dataDir: join(dir, name),
  }));
  const token = `devbot-${process.pid}-${randomUUID().slice(0, 8)}`;
  const redis: ProcessEntry = {
    name: 'redis', kind: 'redis', pid: 0, argv: redisArgv(redisPort, dir, { appendonly: opts.redisAppendonly }),
    logFile: join(dir, 'redis.log'), port: redisPort, status: 'running',
  };
  const members: EtcdMemberEntry[] = plans.map((p) => ({
    name: p.name, kind: 'etcd', pid: 0, argv: etcdArgv(p, plans, token), logFile: join(dir, `${p.name}.log`),
    port: p.clientPort, status: 'running', clientUrl: clientUrlOf(p), peerUrl: peerUrlOf(p), dataDir: p.dataDir,
  }));
  const state: ClusterState = { version: 1, dir, ownerPid: process.pid, redisUrl: `redis://127.0.0.1:${redisPort}`, processes: [redis, ...members] };

  const killOnExit = () => {
    if (existsSync(stateFile)) killAllSync(readState(stateFile));
  };
  process.on('exit', killOnExit);
  const reaper = startReaper(stateFile);
  const stop = async (keepDir = opts.keepDir) => {
    process.off('exit', killOnExit);
    if (existsSync(stateFile)) await stopAll(stateFile, { keepDir });
    reaper.release();
  };
  try {
    for (const p of state.processes) {
      p.pid = await spawnDetached(p.argv, p.logFile);
      writeState(stateFile, state);
    }
    await Promise.all(state.processes.map((p) => waitUntilUp(p)));
    await Promise.all(members.map((m) => waitFor(`etcd member ${m.name} to report healthy`, () => isEtcdHealthy(m.clientUrl))));
  } catch (e) {
    await stop(true);
    throw new Error(`local cluster did not start (logs kept in ${dir}): ${(e as Error).message}`, { cause: e });
  }
  const etcd = state.processes.filter(isEtcdMember).map(({ name, clientUrl, peerUrl, pid }) => ({ name, clientUrl, peerUrl, pid }));
  return { dir, redisUrl: state.redisUrl, etcd: { endpoints: etcd.map((m) => m.clientUrl), members: etcd }, stateFile, stop: () => stop() };
}
