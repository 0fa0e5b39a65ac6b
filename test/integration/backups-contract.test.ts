/**
 * The Backups port's contract, run against both adapters: a directory on disk and S3 (a real
 * s3rver on a loopback port). Same cases, same expectations, so either can back `etcd.backup`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirBackups } from '../../src/adapters/fs/dir-backups.js';
import { createS3Backups } from '../../src/adapters/s3/s3-backups.js';
import type { Backups } from '../../src/ports/backups.js';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../harness/s3-server.js';
import { uniqueName } from '../harness/unique.js';

const BUCKET = 'devbot-contract';
let s3: S3Server;
let dir: string;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  dir = mkdtempSync(join(tmpdir(), 'devbot-dir-backups-'));
});
afterAll(async () => {
  await s3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const adapters: Array<[string, (environment: string) => Backups]> = [
  ['a local directory', (environment) => createDirBackups({ environment, dir })],
  ['S3 (s3rver)', (environment) => createS3Backups({ environment, bucket: BUCKET, prefix: 'etcd', endpoint: s3.url, credentials: S3RVER_CREDENTIALS, partSizeBytes: 5 * 2 ** 20 })],
];

const meta = (environment: string, minutesAgo: number, revision: number) => ({ environment, takenAt: new Date(Date.UTC(2025, 5, 30, 12, 0) - minutesAgo * 60_000), revision, member: 'e2' });

describe.each(adapters)('Backups in %s', (_label, make) => {
  it('writes a stream under a name with environment, time and revision; lists it with its SHA-256; reads the same bytes back', async () => {
    const environment = uniqueName('env');
    const backups = make(environment);
    const bytes = randomBytes(12 * 2 ** 20 + 123); // several multipart parts, and a ragged end
    const entry = await backups.write(Readable.from([bytes.subarray(0, 5_000_000), bytes.subarray(5_000_000)]), meta(environment, 0, 42));
    expect(entry.name).toMatch(new RegExp(`(^etcd/${environment}/)?20250630T120000\\.000Z-rev42\\.db$`));
    expect(entry.location).toContain(environment);
    expect(entry).toMatchObject({ environment, revision: 42, member: 'e2', sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), takenAt: '2025-06-30T12:00:00.000Z' });
    expect(await backups.list()).toEqual([entry]);
    expect((await buffer(await backups.read(entry))).equals(bytes)).toBe(true);
  });

  it('lists newest first, `limit` of them, for one environment only', async () => {
    const environment = uniqueName('env');
    const backups = make(environment);
    for (const [ago, rev] of [[90, 1], [30, 3], [60, 2]] as const) await backups.write(Readable.from([Buffer.from(`rev ${rev}`)]), meta(environment, ago, rev));
    expect((await backups.list(environment)).map((e) => e.revision)).toEqual([3, 2, 1]);
    expect((await backups.list(environment, { limit: 2 })).map((e) => e.revision)).toEqual([3, 2]);
    expect(await make(uniqueName('other')).list()).toEqual([]);
  });

  it('removes a backup (twice is fine): it is no longer listed nor readable', async () => {
    const environment = uniqueName('env');
    const backups = make(environment);
    const entry = await backups.write(Readable.from([Buffer.from('snapshot')]), meta(environment, 0, 7));
    await backups.remove(entry);
    await backups.remove(entry);
    expect(await backups.list()).toEqual([]);
    await expect(backups.read(entry)).rejects.toMatchObject({ code: 'bot_upstream' });
  });

  it('a stream that breaks half way leaves nothing listed, and says the stream broke', async () => {
    const environment = uniqueName('env');
    const backups = make(environment);
    async function* breaking() {
      yield randomBytes(6 * 2 ** 20);
      throw new Error('member went away');
    }
    await expect(backups.write(Readable.from(breaking()), meta(environment, 0, 9))).rejects.toThrow(/member went away/);
    expect(await backups.list()).toEqual([]);
  });
});

describe('Backups in a local directory, on disk', () => {
  it('keeps a sidecar JSON next to each backup and no temp files', async () => {
    const environment = uniqueName('env');
    const backups = createDirBackups({ environment, dir });
    const entry = await backups.write(Readable.from([Buffer.from('x')]), meta(environment, 0, 5));
    expect(readdirSync(join(dir, environment)).sort()).toEqual([entry.name, `${entry.name}.json`]);
    expect(backups.describe()).toBe(`${join(dir, environment)}/`);
  });
});

describe('Backups in S3, as stored', () => {
  it('an object whose upload never got its SHA-256 (the worker died between upload and copy) is not listed', async () => {
    const environment = uniqueName('env');
    const backups = createS3Backups({ environment, bucket: BUCKET, prefix: 'etcd', endpoint: s3.url, credentials: S3RVER_CREDENTIALS });
    const client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `etcd/${environment}/20250630T120000.000Z-rev3.db`, Body: 'half', Metadata: { revision: '3', member: 'e1' } }));
    const entry = await backups.write(Readable.from([Buffer.from('whole')]), meta(environment, 5, 2));
    expect(await backups.list()).toEqual([entry]);
    expect(backups.describe()).toBe(`s3://${BUCKET}/etcd/${environment}/`);
    client.destroy();
  });
});

