import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirBackups } from '../../../src/adapters/fs/dir-backups.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { BackupAttempt, BackupAttempts } from '../../../src/ports/backup-attempts.js';
import type { Backups } from '../../../src/ports/backups.js';
import type { StatusContext } from '../../../src/ports/status.js';
import { backupsPart } from '../../../src/status/parts/backups.part.js';

const TAKEN = new Date('2025-06-30T12:00:00.000Z');
const minutesAfter = (m: number) => () => new Date(TAKEN.getTime() + m * 60_000);

describe('the backups part of /dev status', () => {
  let dir: string;
  let backups: Backups;
  const attempts: BackupAttempt[] = [];
  const store: BackupAttempts = { record: async (_e, a) => void attempts.unshift(a), recent: async () => attempts };
  const config = (backup: string) => loadConfig({ documents: [`environments:\n  prod:\n    etcd:\n      endpoints: [http://127.0.0.1:2379]\n${backup}`] });
  const withBackup = config('      backup: { intervalMs: 1800000, destination: { dir: /unused } }\n');
  const ctx = (c: ReturnType<typeof config>, now: () => Date, withPort = true) =>
    ({ environment: 'prod', config: c, signal: new AbortController().signal, now, ...(withPort ? { backups, backupAttempts: store } : {}) }) as unknown as StatusContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'devbot-status-backups-'));
    backups = createDirBackups({ environment: 'prod', dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says how to turn backups on where they are not configured', async () => {
    expect(await backupsPart.collect(ctx(config(''), minutesAfter(0), false))).toEqual({
      title: 'backups', level: 'info', summary: 'etcd backups are not configured for prod (environments.prod.etcd.backup; see the README).', lines: [],
    });
  });

  it('warns when there is none yet', async () => {
    const section = await backupsPart.collect(ctx(withBackup, minutesAfter(0)));
    expect(section.level).toBe('warn');
    expect(section.lines[0]?.value).toBe('none yet (every 30 min; `/dev etcd snapshot` takes one now)');
  });

  it("shows the newest backup's age: ok within twice the interval, warn past it; and the last attempt", async () => {
    await backups.write(Readable.from([Buffer.from('snapshot')]), { environment: 'prod', takenAt: TAKEN, revision: 42, member: 'e2' });
    await store.record('prod', { action: 'snapshot', at: TAKEN.toISOString(), ok: true, scheduled: true, detail: 'ok.db' });
    const fresh = await backupsPart.collect(ctx(withBackup, minutesAfter(59)));
    expect(fresh.level).toBe('ok');
    expect(fresh.summary).toBe(`newest 59 min old, in ${dir}/prod/`);
    expect(fresh.lines.map((l) => `${l.label}: ${l.value}`)).toEqual([
      expect.stringMatching(/^newest: 59 min old \(every 30 min\): 0 KB, revision 42, from e2, sha256 [0-9a-f]{12}…$/),
      'last snapshot: ok 59 min ago: ok.db',
    ]);
    const stale = await backupsPart.collect(ctx(withBackup, minutesAfter(61)));
    expect(stale.level).toBe('warn');
    expect(stale.lines[0]?.level).toBe('warn');
  });
});
