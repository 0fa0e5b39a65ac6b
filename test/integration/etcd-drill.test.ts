/**
 * `/dev etcd drill` through the whole bot against the run's real etcd, with backups in a local
 * directory: the newest backup is restored with `etcdctl snapshot restore` into a throwaway etcd on
 * this host and compared with the live cluster at the backup's revision. etcdctl is the witness;
 * the temp directory and the process table show that the drill leaves nothing behind.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSnapshotTools } from '../../src/adapters/etcd/snapshot-tools.js';
import { createDirBackups } from '../../src/adapters/fs/dir-backups.js';
import { uniqueName } from '../harness/unique.js';
import { ALICE, DEV, startBot, type Bot } from './jobs-platform-bot.js';

const run = promisify(execFile);

describe('/dev etcd drill', () => {
  let bot: Bot;
  let dir: string;
  const prefix = uniqueName('drill');
  const endpoints = () => inject('etcd').endpoints.join(',');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'devbot-drill-backups-'));
    bot = await startBot({
      config: `
environments:
  dev: { etcd: { backup: { destination: { dir: ${dir} } } } }
acl:
  rules:
    - { name: oncall, users: [${ALICE}], verbs: [etcd], channels: ['*'], environments: ['*'] }
`,
    });
  });

  afterAll(async () => {
    await bot?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function finished(text: string): Promise<{ outcome?: string; summary: string; thread: string }> {
    const ack = await bot.command(ALICE, text, DEV);
    expect(ack.jobId, ack.shown).toBeDefined();
    const message = await bot.progressMessage(DEV, ack.jobId!);
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 60_000);
    const result = (await bot.deps.jobState.load(ack.jobId!))?.result;
    return { outcome: result?.outcome, summary: result?.summary ?? '', thread: bot.thread(message).join('\n') };
  }

  /** What the drill may leave behind: temp directories of its own, and etcd processes named drill. */
  async function leftovers(): Promise<string[]> {
    const dirs = readdirSync(tmpdir()).filter((n) => n.startsWith('devbot-drill-') && !dir.endsWith(n) || n.startsWith('devbot-snapshot-'));
    const { stdout } = await run('ps', ['-eo', 'args']);
    return [...dirs, ...stdout.split('\n').filter((l) => l.startsWith('etcd --name drill'))];
  }

  it('passes on a good backup: restored, started, key counts per prefix equal the live cluster at its revision; nothing left behind', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 30; i++) await run('etcdctl', [`--endpoints=${endpoints()}`, 'put', `/${prefix}/k${i}`, `v${i}`]);
    const before = await leftovers();
    expect((await finished('etcd snapshot')).outcome).toBe('succeeded');
    const [backup] = await createDirBackups({ environment: 'dev', dir }).list();
    // The live cluster moves on after the snapshot: the drill compares at the backup's revision.
    await run('etcdctl', [`--endpoints=${endpoints()}`, 'put', `/${prefix}/later`, 'x']);

    const { outcome, summary } = await finished('etcd drill');
    expect(outcome, summary).toBe('succeeded');
    const { stdout } = await run('etcdctl', [`--endpoints=${endpoints()}`, 'get', '', '--prefix', '--keys-only', `--rev=${backup!.revision}`]);
    const witnessed = stdout.split('\n').filter((l) => l.trim()).length;
    expect(summary).toMatch(new RegExp(`^Drill passed in \\d+ s: the newest backup ${backup!.name} \\(\\d+ s old; \\d+ KB, revision ${backup!.revision}, from e[123], sha256 [0-9a-f]{12}…\\) restored into a throwaway etcd, which started healthy\\. Key counts per top-level prefix match the live cluster read at revision ${backup!.revision}: ${witnessed} keys \\(`));
    expect(summary).toContain('Everything the drill started is removed.');
    expect(await leftovers()).toEqual(before);
  });

  it('fails loudly on a truncated backup, and leaves nothing behind', { timeout: 60_000 }, async () => {
    expect((await finished('etcd snapshot')).outcome).toBe('succeeded');
    const [newest] = await createDirBackups({ environment: 'dev', dir }).list();
    truncateSync(newest!.location, newest!.sizeBytes - 4096);
    const before = await leftovers();

    const { outcome, summary } = await finished('etcd drill');
    expect(outcome).toBe('failed');
    expect(summary).toMatch(new RegExp(`^The backup ${newest!.location} is damaged: \\d+ bytes read back, ${newest!.sizeBytes} were written; its SHA-256 is [0-9a-f]{12}…, ${newest!.sha256.slice(0, 12)}… was recorded when it was written; etcd's own checksum at its end does not match`));
    expect(await leftovers()).toEqual(before);
  });

  it('says that etcd is missing on the worker host, and removes what it had started', { timeout: 60_000 }, async () => {
    expect((await finished('etcd snapshot')).outcome).toBe('succeeded');
    const tools = bot.deps.snapshotTools;
    bot.deps.snapshotTools = createSnapshotTools({ etcd: 'etcd-not-installed-here' });
    const before = await leftovers();
    try {
      const { outcome, summary } = await finished('etcd drill');
      expect(outcome).toBe('failed');
      expect(summary).toMatch(/^`etcd-not-installed-here` is not installed on this worker's host \(not found on its PATH\)\. devbot's worker needs etcd and etcdctl \(3\.4 or later\)/);
      expect(await leftovers()).toEqual(before);
    } finally {
      bot.deps.snapshotTools = tools;
    }
  });
});
