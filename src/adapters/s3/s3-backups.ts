import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { BotError, UpstreamError } from '../../errors.js';
import { digesting } from '../../hash-stream.js';
import type { BackupEntry, Backups } from '../../ports/backups.js';
import { backupFileName, parseBackupFileName } from '../backup-name.js';
import { translateS3Error } from './s3-errors.js';

export interface S3BackupsOptions {
  environment: string;
  bucket: string;
  prefix?: string;
  region?: string;
  /** An S3-compatible server (s3rver, MinIO): addressed path-style. */
  endpoint?: string;
  /** Default: the SDK's chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Multipart part size (S3's minimum is 5 MiB). */
  partSizeBytes?: number;
}

const PART_BYTES = 8 * 2 ** 20;
const PARTS_IN_FLIGHT = 8;

/** The snapshot's own stream failed (etcd went away mid-stream): not S3's fault. */
export function streamBroke(e: unknown, where: string): Error {
  if (e instanceof BotError) return e;
  return new UpstreamError(`The snapshot stream broke while writing ${where}: ${(e as Error).message}`, { service: 'etcd', cause: e });
}

/** What HEAD tells about a backup beyond its key; a key is written once, so it is cached. */
interface Described {
  sha256: string;
  member: string;
}

/**
 * Backups as S3 objects `<prefix>/<env>/<time>-rev<revision>.db`, uploaded in parts as the
 * snapshot streams in (lib-storage `Upload`; a failed upload is aborted, leaving no parts). Revision,
 * member and time go in the object's metadata when the upload starts; the SHA-256, known only at
 * the end, is added by copying the object onto itself, so an object without it is a write that
 * never finished and is not listed.
 */
export function createS3Backups(opts: S3BackupsOptions): Backups & { close(): void } {
  const client = new S3Client({
    ...(opts.region ? { region: opts.region } : opts.endpoint ? { region: 'us-east-1' } : {}),
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    maxAttempts: 3,
  });
  const { bucket } = opts;
  const folder = `${opts.prefix ? `${opts.prefix}/` : ''}${opts.environment}/`;
  const described = new Map<string, Described | undefined>();
  const fail = (what: string) => (e: unknown): never => {
    throw translateS3Error(e, what, { bucket, endpoint: opts.endpoint });
  };
  const folderOf = (environment: string) => `${opts.prefix ? `${opts.prefix}/` : ''}${environment}/`;
  const keyOf = (entry: BackupEntry) => entry.location.replace(`s3://${bucket}/`, '');

  async function describe(key: string): Promise<Described | undefined> {
    if (described.has(key)) return described.get(key);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch((e: unknown) => {
      if ((e as { name?: string }).name === 'NotFound') return undefined; // removed since it was listed
      return fail(`while reading the metadata of s3://${bucket}/${key}`)(e);
    });
    const meta = head?.Metadata ?? {};
    const found = meta['sha256'] ? { sha256: meta['sha256'], member: meta['member'] ?? '' } : undefined;
    // A write that has not finished yet may finish later: only a finished one is remembered.
    if (found) described.set(key, found);
    return found;
  }

  return {
    describe: () => `s3://${bucket}/${folder}`,
    async write(snapshot, meta) {
      const key = `${folderOf(meta.environment)}${backupFileName(meta)}`;
      const where = `s3://${bucket}/${key}`;
      const digest = digesting();
      const metadata = { environment: meta.environment, revision: String(meta.revision), member: meta.member, 'taken-at': meta.takenAt.toISOString() };
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: digest.stream, Metadata: metadata, ContentType: 'application/octet-stream' },
        // Eight 8 MiB parts in flight (64 MiB of memory at most): S3 takes parts in parallel.
        partSize: opts.partSizeBytes ?? PART_BYTES,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      });
      let broken: unknown;
      const piping = pipeline(snapshot, digest.stream).catch((e: unknown) => {
        broken ??= e;
      });
      try {
        await upload.done();
        await piping;
        if (broken) throw broken;
      } catch (e) {
        // Whichever failed first is the story: the stream is then stopped, and the parts removed.
        const streamFirst = broken !== undefined;
        snapshot.destroy();
        await upload.abort().catch(() => undefined);
        await piping;
        if (streamFirst || (broken !== undefined && (e as { $metadata?: unknown }).$metadata === undefined)) throw streamBroke(broken, where);
        fail(`while uploading ${where}`)(e);
      }
      const { sha256, sizeBytes } = digest.digest();
      await client
        .send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/${encodeURI(key)}`, MetadataDirective: 'REPLACE', Metadata: { ...metadata, sha256, size: String(sizeBytes) }, ContentType: 'application/octet-stream' }))
        .catch(fail(`while recording the SHA-256 of ${where}`));
      return { location: where, name: key, environment: meta.environment, takenAt: meta.takenAt.toISOString(), revision: meta.revision, sizeBytes, sha256, member: meta.member };
    },
    async list(environment = opts.environment, listOpts = {}) {
      const prefix = folderOf(environment);
      const objects: Array<{ key: string; size: number; takenAt: string; revision: number }> = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })).catch(fail(`while listing s3://${bucket}/${prefix}`));
        for (const o of page.Contents ?? []) {
          const parsed = o.Key ? parseBackupFileName(o.Key.slice(prefix.length)) : undefined;
          if (parsed && o.Key) objects.push({ key: o.Key, size: o.Size ?? 0, ...parsed });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      objects.sort((a, b) => b.takenAt.localeCompare(a.takenAt));
      const entries: BackupEntry[] = [];
      // Newest first, a few HEADs at a time, until `limit` finished backups are found.
      for (let i = 0; i < objects.length && entries.length < (listOpts.limit ?? Infinity); i += 8) {
        const batch = objects.slice(i, i + 8);
        const heads = await Promise.all(batch.map((o) => describe(o.key)));
        batch.forEach((o, j) => {
          const d = heads[j];
          if (d) entries.push({ location: `s3://${bucket}/${o.key}`, name: o.key, environment, takenAt: o.takenAt, revision: o.revision, sizeBytes: o.size, sha256: d.sha256, member: d.member });
        });
      }
      return entries.slice(0, listOpts.limit ?? entries.length);
    },
    async read(entry) {
      const key = keyOf(entry);
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch(fail(`while reading ${entry.location}`));
      if (!got.Body) throw new UpstreamError(`S3 returned no body for ${entry.location}.`, { service: 's3' });
      return got.Body as Readable;
    },
    async remove(entry) {
      const key = keyOf(entry);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(fail(`while deleting ${entry.location}`));
      described.delete(key);
    },
    close: () => client.destroy(),
  };
}
