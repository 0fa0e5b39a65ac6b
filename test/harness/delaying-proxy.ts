/**
 * A TCP proxy in front of Redis that can stall one client's commands, as Redis (or the network)
 * does under load: once armed, the first chunk a client sends that contains `marker`, and all that
 * client sends after it, reach Redis `holdMs` later, in order. Replies flow through as they come.
 */
import { createServer, type Socket } from 'node:net';
import { pipeToTarget } from './tcp-pipe.js';
import type { AddressInfo } from 'node:net';

export interface DelayingProxy {
  /** redis://127.0.0.1:<port> */
  url: string;
  /** Arms the proxy for one stall. */
  holdNext(marker: string, holdMs: number): void;
  close(): Promise<void>;
}

export async function startDelayingProxy(redisUrl: string): Promise<DelayingProxy> {
  const target = new URL(redisUrl);
  let armed: { marker: Buffer; holdMs: number } | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = pipeToTarget(client, target, sockets);
    let holdUntil = 0;
    const held: Buffer[] = [];
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk.includes(armed.marker)) {
        holdUntil = Date.now() + armed.holdMs;
        armed = undefined;
        setTimeout(() => held.splice(0).forEach((c) => upstream.write(c)), holdUntil - Date.now());
      }
      if (Date.now() < holdUntil || held.length > 0) held.push(chunk);
      else upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    holdNext(marker, holdMs) {
      armed = { marker: Buffer.from(marker), holdMs };
    },
    async close() {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
