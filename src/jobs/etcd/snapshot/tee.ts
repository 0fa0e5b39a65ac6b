import { PassThrough, type Readable } from 'node:stream';

/**
 * Two readers of one stream, at the pace of the slower: `source` pauses while either is full. An
 * error on the source reaches both. A reader that fails or is destroyed is let go, and the other
 * carries on alone; once neither reads, the source is stopped.
 */
export function tee(source: Readable): [Readable, Readable] {
  const branches = [new PassThrough({ highWaterMark: 1024 * 1024 }), new PassThrough({ highWaterMark: 1024 * 1024 })];
  let reading = branches.length;
  for (const b of branches) {
    source.pipe(b);
    b.on('close', () => {
      if (b.writableFinished) return;
      source.unpipe(b);
      if (--reading === 0) source.destroy();
      // An unpiped reader may have been the one holding the source paused.
      else source.resume();
    });
  }
  source.on('error', (e) => {
    for (const b of branches) b.destroy(e);
  });
  return [branches[0]!, branches[1]!];
}
