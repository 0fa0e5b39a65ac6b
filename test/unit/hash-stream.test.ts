import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { digesting } from '../../src/hash-stream.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function digestOf(chunks: Buffer[]) {
  const d = digesting({ trailer: true });
  await pipeline(Readable.from(chunks), d.stream, new Writable({ write: (_c, _e, done) => done() }));
  return d.digest();
}

describe('digesting: size and SHA-256 of a stream, and its last 32 bytes apart (an etcd snapshot trailer)', () => {
  it('whatever the chunk boundaries, including a trailer split across chunks', async () => {
    const body = randomBytes(4096);
    const whole = Buffer.concat([body, createHash('sha256').update(body).digest()]);
    for (const cuts of [[], [10], [4100], [4096], [4127], [1, 2, 3, 4110, 4120]]) {
      const parts = [whole.subarray(0, cuts[0] ?? whole.length), ...cuts.map((c, i) => whole.subarray(c, cuts[i + 1] ?? whole.length))].filter((p) => p.length);
      const d = await digestOf(parts);
      expect(d).toEqual({ sizeBytes: whole.length, sha256: sha(whole), bodySha256: sha(body), trailer: whole.subarray(-32).toString('hex') });
    }
  });

  it('a stream shorter than a trailer', async () => {
    const d = await digestOf([Buffer.from('abc')]);
    expect(d).toEqual({ sizeBytes: 3, sha256: sha(Buffer.from('abc')), bodySha256: sha(Buffer.alloc(0)), trailer: Buffer.from('abc').toString('hex') });
  });
});
