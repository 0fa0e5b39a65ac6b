/**
 * A TCP proxy in front of an HTTP server (the S3 server) that can catch a request in flight: once
 * armed, the first chunk a client sends that contains `marker` (e.g. `PUT /bucket/`) goes through,
 * and everything that client sends after it is held, so the server has begun to receive the
 * request and the client waits in the middle of sending it. `release()` lets the rest through.
 */
import { createServer, type Socket } from 'node:net';
import { pipeToTarget } from '../harness/tcp-pipe.js';
import type { AddressInfo } from 'node:net';

export interface HoldingProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Arms the proxy; resolves once a request containing `marker` has started and is held. */
  holdNext(marker: string): Promise<void>;
  /** Lets the held request go on (a client that died meanwhile has closed its connection). */
  release(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(targetUrl: string): Promise<HoldingProxy> {
  const target = new URL(targetUrl);
  let armed: { marker: Buffer; caught(): void } | undefined;
  const releases: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = pipeToTarget(client, target, sockets);
    let held: Buffer[] | undefined;
    client.on('data', (chunk: Buffer) => {
      if (held) return void held.push(chunk);
      upstream.write(chunk);
      if (armed && chunk.includes(armed.marker)) {
        const caught = armed.caught;
        armed = undefined;
        const mine: Buffer[] = (held = []);
        releases.push(() => {
          held = undefined;
          for (const c of mine.splice(0)) upstream.write(c);
        });
        caught();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    holdNext: (marker) => new Promise<void>((caught) => (armed = { marker: Buffer.from(marker), caught })),
    release: () => releases.splice(0).forEach((r) => r()),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
