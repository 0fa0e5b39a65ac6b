import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpstreamError } from '../../errors.js';
import type { RestoredEtcd } from '../../ports/snapshot-tools.js';
import { countKeys } from './count-keys.js';
import { createProbeClient } from './probe-client.js';
import { runTool, toolMissing } from './run-tool.js';

export interface ThrowawayTools {
  etcd: string;
  etcdctl: string;
  /** How long the restored member may take to report healthy. */
  startTimeoutMs?: number;
}

/** A loopback port nobody listens on right now (the kernel's choice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: unknown };
    return body.health === 'true' || body.health === true;
  } catch {
    return false;
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Restores `file` into a fresh temp directory (`etcdctl snapshot restore`, one member, a new
 * cluster token) and starts `etcd` on it on two free loopback ports. Resolves once /health says
 * healthy. On any failure it stops what it started and removes the directory before throwing.
 */
export async function startThrowawayEtcd(file: string, tools: ThrowawayTools, signal?: AbortSignal): Promise<RestoredEtcd> {
  const dir = await mkdtemp(join(tmpdir(), 'devbot-drill-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const dataDir = join(dir, 'data');
  const cluster = ['--name', 'drill', '--initial-cluster', `drill=${peerUrl}`, '--initial-advertise-peer-urls', peerUrl];
  let child: ChildProcess | undefined;
  let client: ReturnType<typeof createProbeClient> | undefined;
  const output: string[] = [];
  // A worker that exits (not one killed outright) takes its throwaway etcd with it.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    client?.close();
    if (child) await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await runTool(tools.etcdctl, ['snapshot', 'restore', file, '--data-dir', dataDir, '--initial-cluster-token', `drill-${randomUUID().slice(0, 8)}`, ...cluster], { what: `restoring ${file}` });
    const started = spawn(tools.etcd, [...cluster, '--data-dir', dataDir, '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl, '--listen-peer-urls', peerUrl, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (b: Buffer) => output.push(...b.toString().split('\n').filter(Boolean).slice(-5));
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) => {
      started.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? toolMissing(tools.etcd) : e));
      started.once('exit', (code) => reject(new UpstreamError(`The restored etcd exited (code ${code}) before it was healthy: ${output.slice(-3).join(' ')}`, { service: 'etcd', retryable: false })));
    });
    exited.catch(() => undefined);
    const deadline = Date.now() + (tools.startTimeoutMs ?? 20_000);
    // No event says "healthy": poll /health, bounded, and stop at once if etcd exited.
    for (;;) {
      if (await Promise.race([isHealthy(clientUrl), exited])) break;
      signal?.throwIfAborted();
      if (Date.now() > deadline) throw new UpstreamError(`The restored etcd was not healthy within ${(tools.startTimeoutMs ?? 20_000) / 1000} s: ${output.slice(-3).join(' ') || 'no output'}`, { service: 'etcd', retryable: false });
      await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
    }
    client = createProbeClient(clientUrl);
    const c = client;
    const revision = Number((await c.maintenance.status({ deadline: Date.now() + 5_000 })).header.revision);
    let stopped: Promise<void> | undefined;
    return {
      endpoint: clientUrl,
      revision,
      countKeys: () => countKeys((_what, fn) => fn(c, new Date(Date.now() + 10_000))),
      stop: () => (stopped ??= stop()),
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
