import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BotError, UpstreamError } from '../../errors.js';
import type { SnapshotTools } from '../../ports/snapshot-tools.js';
import { readCompactRevision } from './read-compact-revision.js';
import { runTool } from './run-tool.js';
import { startThrowawayEtcd } from './throwaway-etcd.js';

/**
 * The worker host's etcd tools: `etcdctl snapshot status|restore` and `etcd`, found on the PATH
 * (or as given), with temp files under the OS temp directory (or `tempDir`).
 */
export function createSnapshotTools(opts: { etcd?: string; etcdctl?: string; tempDir?: string; startTimeoutMs?: number } = {}): SnapshotTools {
  const tools = { etcd: opts.etcd ?? 'etcd', etcdctl: opts.etcdctl ?? 'etcdctl', startTimeoutMs: opts.startTimeoutMs };
  return {
    async keep(snapshot) {
      const dir = await mkdtemp(join(opts.tempDir ?? tmpdir(), 'devbot-snapshot-'));
      const path = join(dir, 'snapshot.db');
      const remove = () => rm(dir, { recursive: true, force: true });
      try {
        await pipeline(snapshot, createWriteStream(path));
      } catch (e) {
        await remove();
        throw e instanceof BotError ? e : new UpstreamError(`Could not copy the snapshot to ${path}: ${(e as Error).message}`, { service: 'backups', cause: e });
      }
      return { path, remove };
    },
    async inspect(file) {
      const out = await runTool(tools.etcdctl, ['snapshot', 'status', file, '-w', 'json'], { what: `reading ${file} (is it a whole etcd snapshot?)` });
      const s = JSON.parse(out) as { hash: number; revision: number; totalKey: number; totalSize: number };
      // etcdctl has just checked the file's consistency, so its pages can be read.
      const compactRevision = await readCompactRevision(file).catch((e: unknown) => {
        throw new UpstreamError(`Could not read the compaction revision of ${file}: ${(e as Error).message}`, { service: 'etcdctl', retryable: false, cause: e });
      });
      return { revision: Math.max(1, s.revision, compactRevision), keysRevision: s.revision, compactRevision, hash: s.hash, totalKeys: s.totalKey, totalSizeBytes: s.totalSize };
    },
    restore: (file, restoreOpts = {}) => startThrowawayEtcd(file, tools, restoreOpts.signal),
  };
}
