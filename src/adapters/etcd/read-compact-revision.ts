import { open, type FileHandle } from 'node:fs/promises';

/**
 * Just enough of bbolt's file format (go.etcd.io/bbolt, which etcd's backend is) to read one key:
 * `finishedCompactRev` in etcd's `meta` bucket. `etcdctl snapshot status` reports the highest
 * revision among the keys, but etcd restores a snapshot at the compaction revision when that is
 * higher (a delete at the head of history that a compaction then removed), so both are needed to
 * know the revision a snapshot holds. Little-endian layout, as etcd writes it on amd64 and arm64.
 */
const PAGE_HEADER = 16;
const ELEMENT = 16;
const BRANCH = 0x01;
const LEAF = 0x02;
const BUCKET_VALUE = 0x01;
const MAGIC = 0xed0cdaed;

interface Page {
  flags: number;
  count: number;
  /** The page's bytes, header included. */
  bytes: Buffer;
}

async function readAt(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await file.read(buf, 0, length, offset);
  if (bytesRead < length) throw new Error(`the file ends at ${offset + bytesRead}, inside a page`);
  return buf;
}

async function readPage(file: FileHandle, id: bigint, pageSize: number): Promise<Page> {
  const head = await readAt(file, Number(id) * pageSize, PAGE_HEADER);
  const overflow = head.readUInt32LE(12);
  const bytes = overflow ? await readAt(file, Number(id) * pageSize, (overflow + 1) * pageSize) : await readAt(file, Number(id) * pageSize, pageSize);
  return { flags: bytes.readUInt16LE(8), count: bytes.readUInt16LE(10), bytes };
}

/** The element `i` of a page: its key, and for a leaf its flags and value. */
function element(page: Page, i: number): { key: Buffer; flags: number; value: Buffer; child: bigint } {
  const at = PAGE_HEADER + i * ELEMENT;
  const b = page.bytes;
  if (page.flags & BRANCH) {
    const pos = b.readUInt32LE(at);
    const ksize = b.readUInt32LE(at + 4);
    return { key: b.subarray(at + pos, at + pos + ksize), flags: 0, value: Buffer.alloc(0), child: b.readBigUInt64LE(at + 8) };
  }
  const flags = b.readUInt32LE(at);
  const pos = b.readUInt32LE(at + 4);
  const ksize = b.readUInt32LE(at + 8);
  const vsize = b.readUInt32LE(at + 12);
  return { key: b.subarray(at + pos, at + pos + ksize), flags, value: b.subarray(at + pos + ksize, at + pos + ksize + vsize), child: 0n };
}

/** Looks `key` up in the B+tree rooted at `page` (an inline bucket's page, or one read from the file). */
async function lookup(file: FileHandle, page: Page, key: Buffer, pageSize: number): Promise<{ flags: number; value: Buffer } | undefined> {
  for (let p = page; ;) {
    if (p.flags & LEAF) {
      for (let i = 0; i < p.count; i++) {
        const e = element(p, i);
        if (e.key.equals(key)) return e;
      }
      return undefined;
    }
    if (!(p.flags & BRANCH)) throw new Error(`unexpected page flags ${p.flags}`);
    // The last child whose first key is not past `key`.
    let child = element(p, 0).child;
    for (let i = 1; i < p.count; i++) {
      const e = element(p, i);
      if (Buffer.compare(e.key, key) > 0) break;
      child = e.child;
    }
    p = await readPage(file, child, pageSize);
  }
}

/** The root page of the bucket stored as `value` (a 16-byte header: root page id, sequence; root 0 = inline page after it). */
async function bucketRoot(file: FileHandle, value: Buffer, pageSize: number): Promise<Page> {
  const root = value.readBigUInt64LE(0);
  if (root !== 0n) return readPage(file, root, pageSize);
  const bytes = value.subarray(16);
  return { flags: bytes.readUInt16LE(8), count: bytes.readUInt16LE(10), bytes };
}

/** etcd's finished compaction revision in a snapshot or db file, 0 when it was never compacted. Throws on a file it cannot read. */
export async function readCompactRevision(path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const first = await readAt(file, 0, PAGE_HEADER + 64);
    if (first.readUInt32LE(PAGE_HEADER) !== MAGIC) throw new Error('not a bbolt file');
    const pageSize = first.readUInt32LE(PAGE_HEADER + 8);
    const metas = [first, await readAt(file, pageSize, PAGE_HEADER + 64)].filter((m) => m.readUInt32LE(PAGE_HEADER) === MAGIC);
    // The meta page of the latest transaction holds the root.
    const meta = metas.sort((a, b) => Number(b.readBigUInt64LE(PAGE_HEADER + 48) - a.readBigUInt64LE(PAGE_HEADER + 48)))[0]!;
    const root = await readPage(file, meta.readBigUInt64LE(PAGE_HEADER + 16), pageSize);
    const metaBucket = await lookup(file, root, Buffer.from('meta'), pageSize);
    if (!metaBucket || !(metaBucket.flags & BUCKET_VALUE)) return 0;
    const compacted = await lookup(file, await bucketRoot(file, metaBucket.value, pageSize), Buffer.from('finishedCompactRev'), pageSize);
    // A revision is 8 bytes big-endian main, '_', 8 bytes sub.
    return compacted && compacted.value.length >= 8 ? Number(compacted.value.readBigInt64BE(0)) : 0;
  } finally {
    await file.close();
  }
}
