import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** What went through a digesting stream. */
export interface StreamDigest {
  sizeBytes: number;
  /** Hex SHA-256 of every byte. */
  sha256: string;
}

/** What etcd appends to a v3 snapshot: the SHA-256 of the database before it, in its last 32 bytes. */
export interface TrailerDigest extends StreamDigest {
  /** Hex SHA-256 of all bytes but the last 32. */
  bodySha256: string;
  /** The last 32 bytes, hex. */
  trailer: string;
}

const TRAILER = 32;

/**
 * A pass-through stream that counts and hashes what flows through it; `digest()` is final once the
 * stream has ended. With `trailer`, it also hashes everything but the last 32 bytes, which is how
 * an etcd snapshot proves itself whole (`etcdctl snapshot restore` checks the same).
 */
export function digesting(opts: { trailer: true }): { stream: Transform; digest(): TrailerDigest };
export function digesting(opts?: { trailer?: false }): { stream: Transform; digest(): StreamDigest };
export function digesting(opts: { trailer?: boolean } = {}): { stream: Transform; digest(): StreamDigest | TrailerDigest } {
  // With a trailer, one pass: the body's hash, copied and fed the last 32 bytes, is the whole's.
  const all = createHash('sha256');
  const body = opts.trailer ? all : undefined;
  let held = Buffer.alloc(0);
  let sizeBytes = 0;
  let result: StreamDigest | TrailerDigest | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sizeBytes += chunk.length;
      if (!body) all.update(chunk);
      else {
        // Keep the last 32 bytes back: they may be the trailer.
        const joined = held.length ? Buffer.concat([held, chunk]) : chunk;
        const cut = Math.max(0, joined.length - TRAILER);
        body.update(joined.subarray(0, cut));
        held = Buffer.from(joined.subarray(cut));
      }
      done(null, chunk);
    },
    flush(done) {
      if (body) {
        const bodySha256 = body.copy().digest('hex');
        result = { sizeBytes, sha256: body.update(held).digest('hex'), bodySha256, trailer: held.toString('hex') };
      } else result = { sizeBytes, sha256: all.digest('hex') };
      done();
    },
  });
  return {
    stream,
    digest() {
      if (!result) throw new Error('digest() before the stream ended');
      return result;
    },
  };
}
