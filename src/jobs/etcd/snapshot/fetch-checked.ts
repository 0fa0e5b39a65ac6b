import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digesting } from '../../../hash-stream.js';
import { BackupDamagedError, type BackupEntry, type Backups } from '../../../ports/backups.js';
import type { LocalSnapshot, SnapshotFileStatus, SnapshotTools } from '../../../ports/snapshot-tools.js';

/** A backup read back to the worker's disk, and proven to be the snapshot that was written. */
export interface CheckedCopy {
  local: LocalSnapshot;
  status: SnapshotFileStatus;
}

const TRAILER = 32;

/** What is wrong with the bytes read back, if anything. */
function problemsOf(entry: BackupEntry, got: { sizeBytes: number; sha256: string; bodySha256: string; trailer: string }): string[] {
  const problems: string[] = [];
  if (got.sizeBytes !== entry.sizeBytes) problems.push(`${got.sizeBytes} bytes read back, ${entry.sizeBytes} were written`);
  if (got.sha256 !== entry.sha256) problems.push(`its SHA-256 is ${got.sha256.slice(0, 12)}…, ${entry.sha256.slice(0, 12)}… was recorded when it was written`);
  // etcd ends a snapshot with the SHA-256 of the database before it, which is whole 512-byte pages.
  const whole = got.sizeBytes > TRAILER && (got.sizeBytes - TRAILER) % 512 === 0 && got.bodySha256 === got.trailer;
  if (!whole) problems.push("etcd's own checksum at its end does not match (not a whole etcd snapshot)");
  return problems;
}

const damaged = (entry: BackupEntry, problems: string[]) => new BackupDamagedError(`The backup ${entry.location} is damaged: ${problems.join('; ')}.`);

function checkRevision(entry: BackupEntry, status: SnapshotFileStatus): SnapshotFileStatus {
  if (status.revision !== entry.revision) {
    throw new BackupDamagedError(`The backup ${entry.location} holds revision ${status.revision}, but revision ${entry.revision} was recorded when it was taken.`);
  }
  return status;
}

/** `entry` as it is stored, through a digest (and on into `sink`, when given). */
async function readBack(entry: BackupEntry, backups: Backups): Promise<{ stream: Readable; problems(): string[] }> {
  const source = await backups.read(entry);
  const digest = digesting({ trailer: true });
  source.on('error', (e) => digest.stream.destroy(e));
  return { stream: source.pipe(digest.stream), problems: () => problemsOf(entry, digest.digest()) };
}

/**
 * Reads `entry` back from where it is stored into a temp file, checking as it streams that its
 * size and SHA-256 are those recorded when it was written and that etcd's checksum at its end
 * holds; then `etcdctl snapshot status` must find the revision recorded when it was taken. Throws
 * BackupDamagedError saying what differs (the temp file removed); ConfigError without etcdctl.
 */
export async function fetchChecked(entry: BackupEntry, backups: Backups, tools: SnapshotTools): Promise<CheckedCopy> {
  const back = await readBack(entry, backups);
  const local = await tools.keep(back.stream);
  try {
    const problems = back.problems();
    if (problems.length) throw damaged(entry, problems);
    return { local, status: checkRevision(entry, await tools.inspect(local.path)) };
  } catch (e) {
    await local.remove();
    throw e;
  }
}

/**
 * The same checks, when a copy of the snapshot as it was streamed is on this host already: the
 * stored backup is read back only to be digested (its size and SHA-256 equal to the recorded
 * ones prove it holds the very bytes of `copy`), while etcdctl inspects `copy`, at the same time.
 */
export async function checkAgainstCopy(entry: BackupEntry, backups: Backups, tools: SnapshotTools, copy: LocalSnapshot): Promise<SnapshotFileStatus> {
  const digested = (async () => {
    const back = await readBack(entry, backups);
    await pipeline(back.stream, new Writable({ write: (_chunk, _encoding, done) => done() }));
    return back.problems();
  })();
  const [problems, status] = await Promise.all([digested, tools.inspect(copy.path).then((st) => ({ st }), (e: unknown) => ({ e }))]);
  if (problems.length) throw damaged(entry, problems);
  if ('e' in status) throw status.e;
  return checkRevision(entry, status.st);
}
