/**
 * "Machines" for etcd repair tests and benchmarks: destroy a member for good, and start a new
 * machine's etcd the way a replacement node joins an existing cluster. Nothing here imports devbot.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isEtcdHealthy } from '../../tools/local-cluster/etcd.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { stopMember, waitUntilUp } from '../../tools/local-cluster/members.js';
import { spawnDetached } from '../../tools/local-cluster/processes.js';
import type { LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { isEtcdMember, readState, writeState, type EtcdMemberEntry } from '../../tools/local-cluster/state.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';

/** The state-file entry of the process serving the member with this name now (it may be a "new machine"). */
function entryServing(cluster: LocalCluster, name: string): EtcdMemberEntry {
  const entry = readState(cluster.stateFile).processes.filter(isEtcdMember).find((p) => p.argv[p.argv.indexOf('--name') + 1] === name && p.status === 'running');
  if (!entry) throw new Error(`no running etcd process is member ${name}`);
  return entry;
}

/** SIGKILLs the member's process and deletes its data dir: a machine that is gone for good. */
export async function destroyMember(cluster: LocalCluster, name: string): Promise<void> {
  const entry = entryServing(cluster, name);
  await stopMember(cluster.stateFile, entry.name);
  rmSync(entry.dataDir, { recursive: true, force: true });
}

/** Waits until every listed client URL answers /health with true. */
export async function waitHealthy(clientUrls: string[], timeoutMs = 20_000): Promise<void> {
  await waitFor(`etcd at ${clientUrls.join(', ')} to be healthy`, async () => (await Promise.all(clientUrls.map((u) => isEtcdHealthy(u, 500)))).every(Boolean), { timeoutMs, intervalMs: 100 });
}

export interface NewMachine {
  peerUrl: string;
  clientUrl: string;
  /** The process name in the cluster's state file (stopMember/startMember take it). */
  processName: string;
  /** Starts its etcd joining the existing cluster, with the settings devbot posted. */
  start(settings: { name: string; initialCluster: string }): Promise<void>;
}

/**
 * Ports for a new machine, and a way to start its etcd once it has been added. Killed with the
 * cluster. `at` gives it the URLs of a destroyed member (a rebuilt machine that kept its address),
 * so the cluster's configured endpoints stay right through repeated replacements.
 */
export async function newMachine(cluster: LocalCluster, processName: string, at?: { peerUrl: string; clientUrl: string }): Promise<NewMachine> {
  const [peerPort = 0, clientPort = 0] = at ? [Number(new URL(at.peerUrl).port), Number(new URL(at.clientUrl).port)] : await freePorts(2);
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  return {
    peerUrl,
    clientUrl,
    processName,
    async start({ name, initialCluster }) {
      const dataDir = join(cluster.dir, processName);
      const argv = [
        'etcd', '--name', name, '--data-dir', dataDir,
        '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
        '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
        '--initial-cluster', initialCluster, '--initial-cluster-state', 'existing',
        '--heartbeat-interval', '100', '--election-timeout', '1000', '--logger', 'zap', '--log-level', 'warn',
      ];
      const entry: EtcdMemberEntry = {
        name: processName, kind: 'etcd', pid: 0, argv, logFile: join(cluster.dir, `${processName}.log`), port: clientPort, status: 'running', clientUrl, peerUrl, dataDir,
      };
      entry.pid = await spawnDetached(argv, entry.logFile);
      const state = readState(cluster.stateFile);
      state.processes.push(entry);
      writeState(cluster.stateFile, state);
      await waitUntilUp(entry);
    },
  };
}

/** `ETCD_NAME` and `ETCD_INITIAL_CLUSTER` from the start instructions devbot posts in the thread. */
export function startSettingsIn(text: string): { name: string; initialCluster: string } | undefined {
  const name = /ETCD_NAME="([^"]+)"/.exec(text)?.[1];
  const initialCluster = /ETCD_INITIAL_CLUSTER="([^"]+)"/.exec(text)?.[1];
  return name && initialCluster ? { name, initialCluster } : undefined;
}
