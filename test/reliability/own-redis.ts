/**
 * A redis-server of the test's own on a free loopback port, to kill and restart mid-run without
 * touching the run's shared Redis. Started as a child of this process; killed by its pid only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { pingRedis, redisArgv } from '../../tools/local-cluster/redis.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';

export interface OwnRedis {
  url: string;
  running(): boolean;
  /** SIGKILL, then resolves once the process has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'devbot-own-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    const [command, ...args] = redisArgv(port!, dir);
    const spawned = spawn(command!, args, { stdio: 'ignore' });
    child = spawned;
    const exited = once(spawned, 'exit').then(([code]) => {
      throw new Error(`redis-server on port ${port} exited with ${String(code)} while starting`);
    });
    exited.catch(() => undefined);
    // No event says "ready to serve": ask it, as a client would.
    await Promise.race([waitFor(`redis-server on port ${port}`, () => pingRedis(port!), { timeoutMs: 10_000, intervalMs: 20 }), exited]);
  };

  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    running: () => child !== undefined,
    kill,
    restart: start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
