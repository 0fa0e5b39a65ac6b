import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BotError, UpstreamError } from '../../errors.js';
import { digesting } from '../../hash-stream.js';
import type { BackupEntry, Backups } from '../../ports/backups.js';
import { backupFileName, parseBackupFileName } from '../backup-name.js';

/** The sidecar `<name>.json` next to each backup: what S3 keeps as object metadata. */
interface Sidecar {
  environment: string;
  takenAt: string;
  revision: number;
  member: string;
  sha256: string;
  sizeBytes: number;
}

const failed = (what: string, e: unknown): Error =>
  e instanceof BotError ? e : new UpstreamError(`The backup directory failed ${what}: ${(e as Error).message}`, { service: 'backups', retryable: false, cause: e });

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Backups as files in a local directory, `<dir>/<env>/<time>-rev<revision>.db`, each with a sidecar
 * JSON holding its SHA-256, revision and member. Both are written under a temporary name, synced,
 * then renamed, so a crash never leaves a half-written backup under a backup's name; a `.db`
 * without its sidecar is not listed.
 */
export function createDirBackups(opts: { environment: string; dir: string }): Backups {
  const root = resolve(opts.dir);
  const folderOf = (environment: string) => join(root, environment);

  return {
    describe: () => `${folderOf(opts.environment)}/`,
    async write(snapshot, meta) {
      const folder = folderOf(meta.environment);
      const name = backupFileName(meta);
      const file = join(folder, name);
      const temp = join(folder, `.${name}.${randomUUID().slice(0, 8)}.partial`);
      const digest = digesting();
      try {
        await mkdir(folder, { recursive: true });
        await pipeline(snapshot, digest.stream, createWriteStream(temp, { flags: 'wx' }));
        await fsyncFile(temp);
        const { sha256, sizeBytes } = digest.digest();
        const sidecar: Sidecar = { environment: meta.environment, takenAt: meta.takenAt.toISOString(), revision: meta.revision, member: meta.member, sha256, sizeBytes };
        await writeFile(`${temp}.json`, JSON.stringify(sidecar, null, 2), { flag: 'wx' });
        await fsyncFile(`${temp}.json`);
        await rename(temp, file);
        await rename(`${temp}.json`, `${file}.json`);
        return { location: file, name, ...sidecar };
      } catch (e) {
        await Promise.all([rm(temp, { force: true }), rm(`${temp}.json`, { force: true })]);
        throw failed(`while writing ${file}`, e);
      }
    },
    async list(environment = opts.environment, listOpts = {}) {
      const folder = folderOf(environment);
      const names = await readdir(folder).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return [] as string[];
        throw failed(`while listing ${folder}`, e);
      });
      const present = new Set(names);
      const backups = names.filter((n) => parseBackupFileName(n) && present.has(`${n}.json`)).sort().reverse().slice(0, listOpts.limit);
      const entries = await Promise.all(
        backups.map(async (name): Promise<BackupEntry | undefined> => {
          const text = await readFile(join(folder, `${name}.json`), 'utf8').catch(() => undefined);
          if (text === undefined) return undefined; // removed since the directory was read
          const sidecar = JSON.parse(text) as Sidecar;
          return { location: join(folder, name), name, ...sidecar };
        }),
      );
      return entries.filter((e): e is BackupEntry => e !== undefined);
    },
    async read(entry) {
      const stream = createReadStream(entry.location);
      // Opening is lazy: wait for it, so a missing file fails here and not mid-stream.
      await new Promise<void>((ok, ko) => {
        stream.once('open', () => ok());
        stream.once('error', (e) => ko(failed(`while reading ${entry.location}`, e)));
      });
      return stream;
    },
    async remove(entry) {
      // The sidecar first: a backup without one is no longer listed, whatever happens next.
      await rm(`${entry.location}.json`, { force: true }).catch((e: unknown) => {
        throw failed(`while deleting ${entry.location}`, e);
      });
      await rm(entry.location, { force: true }).catch((e: unknown) => {
        throw failed(`while deleting ${entry.location}`, e);
      });
    },
  };
}
