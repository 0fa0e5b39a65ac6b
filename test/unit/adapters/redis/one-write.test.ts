/**
 * inOneWrite, against a loopback server that answers RESP: the commands of one turn of the event
 * loop, however many requests issued them, leave in one socket write, and each caller still gets
 * its own reply in order. Writes are counted where the stream hands them to the socket (its
 * `_write` / `_writev`, the methods a Writable implements), not where the server reads them: the
 * kernel may join two writes close in time into one read.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { inOneWrite } from '../../../../src/adapters/redis/one-write.js';

/** The command names in RESP data as ioredis sends it (*<n>\r\n$<len>\r\n<NAME>\r\n…). */
const commandNames = (data: unknown): string[] =>
  [...String(data).matchAll(/(?:^|\r\n)\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)].map((m) => m[1]!.toUpperCase());

interface FakeRedis {
  url: string;
  /** Forgets the connection's handshake: counts answers from 1 again. */
  reset(): void;
  close(): Promise<void>;
}

/** Answers every command with how many it has answered (since reset()). */
async function startFakeRedis(): Promise<FakeRedis> {
  const sockets = new Set<Socket>();
  let answered = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      socket.write(commandNames(chunk.toString('latin1')).map(() => `:${++answered}\r\n`).join(''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reset: () => {
      answered = 0;
    },
    close: () => new Promise((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    }),
  };
}

describe('inOneWrite', () => {
  let fake: FakeRedis | undefined;
  let redis: Redis | undefined;
  afterEach(async () => {
    redis?.disconnect();
    await fake?.close();
  });

  /** A connected client, and the commands of each write its socket makes from now on. */
  async function connected(): Promise<{ redis: Redis; writes: string[][] }> {
    fake = await startFakeRedis();
    redis = new Redis(fake.url, { enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    fake.reset();
    const writes: string[][] = [];
    // The Writable implementer's methods: one call per write the stream makes to the socket.
    type WriteFn = (chunk: unknown, ...rest: unknown[]) => void;
    type WritevFn = (chunks: Array<{ chunk: unknown }>, ...rest: unknown[]) => void;
    const socket = redis.stream as unknown as { _write: WriteFn; _writev: WritevFn };
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (chunk, ...rest) => {
      writes.push(commandNames(chunk));
      write(chunk, ...rest);
    };
    socket._writev = (chunks, ...rest) => {
      writes.push(chunks.flatMap((c) => commandNames(c.chunk)));
      writev(chunks, ...rest);
    };
    return { redis, writes };
  }

  it('sends the commands of one turn, from several requests, in one write, each with its own reply', async () => {
    const { redis, writes } = await connected();
    // Two requests in the same turn: the second from a callback queued after the first has
    // written (as the next request's I/O callback would be), after a microtask, as handlers do.
    inOneWrite(redis);
    const first = Promise.all([redis.xadd('audit', '*', 'e', '1'), redis.set('req:1', '1')]);
    const second = new Promise<unknown>((resolve, reject) => {
      process.nextTick(() => {
        void Promise.resolve().then(() => {
          inOneWrite(redis);
          redis.set('req:2', '1').then(resolve, reject);
        });
      });
    });
    expect(await Promise.all([first, second])).toEqual([[1, 2], 3]);
    expect(writes).toEqual([['XADD', 'SET', 'SET']]);
  });

  it('leaves a later turn to a write of its own', async () => {
    const { redis, writes } = await connected();
    inOneWrite(redis);
    await redis.set('a', '1');
    inOneWrite(redis);
    await redis.set('b', '1');
    expect(writes).toEqual([['SET'], ['SET']]);
  });

  it('does nothing to a connection that has no socket yet', async () => {
    fake = await startFakeRedis();
    redis = new Redis(fake.url, { lazyConnect: true, enableReadyCheck: false });
    expect(() => inOneWrite(redis!)).not.toThrow();
  });
});
