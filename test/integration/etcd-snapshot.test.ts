/**
 * `/dev etcd snapshot` and `/dev etcd backups` through the whole bot (signed slash commands, a real
 * worker, the fake Slack Web API) against the run's real 3-member etcd, with backups in a real S3
 * server (s3rver) and in a local directory. etcdctl is the independent witness of what was stored.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSnapshotTools } from '../../src/adapters/etcd/snapshot-tools.js';
import { createS3Backups } from '../../src/adapters/s3/s3-backups.js';
import type { Backups } from '../../src/ports/backups.js';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../harness/s3-server.js';
import { uniqueName } from '../harness/unique.js';
import { ALICE, DEV, PROD, STAGING, startBot, type Bot, type Channel } from './jobs-platform-bot.js';

const run = promisify(execFile);
const BUCKET = 'devbot-snapshots';

describe('/dev etcd snapshot and /dev etcd backups', () => {
  let s3: S3Server;
  let dir: string;
  let bot: Bot;
  const prefix = uniqueName('snap');
  const saved = { ...process.env };
  const s3Backups = () => createS3Backups({ environment: 'dev', bucket: BUCKET, prefix, endpoint: s3.url, credentials: S3RVER_CREDENTIALS });

  beforeAll(async () => {
    s3 = await startS3Server([BUCKET]);
    dir = mkdtempSync(join(tmpdir(), 'devbot-snapshot-dir-'));
    // The worker's AWS credentials, as a deployment gives them: from its environment.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey });
    bot = await startBot({
      config: `
environments:
  dev: { etcd: { backup: { destination: { s3: { bucket: ${BUCKET}, prefix: ${prefix}, endpoint: ${s3.url}, region: us-east-1 } } } } }
  staging: { etcd: { backup: { destination: { dir: ${dir} } } } }
acl:
  rules:
    - { name: oncall, users: [${ALICE}], verbs: [etcd, status], channels: ['*'], environments: ['*'] }
`,
    });
  });

  afterAll(async () => {
    await bot?.close();
    await s3?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.env = saved;
  });

  /** Types the command, waits for the job, resolves with what its message finally shows. */
  async function finished(text: string, channel: Channel): Promise<{ outcome?: string; summary: string; shown: string }> {
    const ack = await bot.command(ALICE, text, channel);
    expect(ack.jobId, ack.shown).toBeDefined();
    const message = await bot.progressMessage(channel, ack.jobId!);
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 60_000);
    const result = (await bot.deps.jobState.load(ack.jobId!))?.result;
    // The job ends once its final message landed: the message shows it now.
    return { outcome: result?.outcome, summary: result?.summary ?? '', shown: bot.current(message).shown };
  }

  it('takes a verified snapshot into S3: member, revision, size, hash, verified, pruned; etcdctl reads the stored object at that revision', async () => {
    const endpoints = inject('etcd').endpoints.join(',');
    for (let i = 0; i < 20; i++) await run('etcdctl', [`--endpoints=${endpoints}`, 'put', `/${prefix}/key-${i}`, `value ${i}`]);
    const { outcome, summary, shown } = await finished('etcd snapshot', DEV);
    expect(outcome, summary).toBe('succeeded');
    expect(summary).toMatch(new RegExp(`^Snapshot s3://${BUCKET}/${prefix}/dev/\\d{8}T\\d{6}\\.\\d{3}Z-rev(\\d+)\\.db: \\d+ KB, revision \\d+, from e[123], sha256 [0-9a-f]{12}… \\((follower|leader)\\)\\.`));
    expect(summary).toMatch(/Verified: read back with the same size and SHA-256, etcd's own checksum holds, and it holds revision \d+ \(etcdctl snapshot status\)\./);
    expect(summary).toMatch(/Pruned 0 by the retention tiers; 1 kept\.$/);
    expect(shown).toContain(':white_check_mark: Read it back and verify it');

    const [stored] = await s3Backups().list();
    expect(stored).toBeDefined();
    expect(summary).toContain(`revision ${stored!.revision}, from ${stored!.member}`);
    const file = join(dir, 'witness.db');
    const bytes = await buffer(await s3Backups().read(stored!));
    const fd = openSync(file, 'w');
    writeSync(fd, bytes);
    const { stdout } = await run('etcdctl', ['snapshot', 'status', file, '-w', 'json']);
    expect((JSON.parse(stdout) as { revision: number }).revision).toBe(stored!.revision);
  });

  it('/dev etcd backups lists them newest first with age, size, revision and where', async () => {
    await finished('etcd snapshot', DEV);
    await finished('etcd snapshot', DEV);
    const { outcome, shown } = await finished('etcd backups', DEV);
    expect(outcome).toBe('succeeded');
    const listed = await s3Backups().list();
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(shown).toContain(`etcd backups of dev, newest first (${listed.length})`);
    for (const b of listed) expect(shown).toContain(`· revision ${b.revision} · from ${b.member} · ${b.location}`);
    expect(shown).toMatch(/\d+ s ago · \d+ KB · revision/);
    expect(shown).toContain(`Every 30 min to s3://${BUCKET}/${prefix}/dev/; no scheduled drill`);
    expect(shown).toMatch(/Last snapshot: ok \d+ s ago/);
  });

  it('/dev status shows the newest backup and its age', async () => {
    await finished('etcd snapshot', DEV);
    const ack = await bot.command(ALICE, 'status', DEV);
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 30_000);
    const view = bot.current(await bot.progressMessage(DEV, ack.jobId!));
    expect(view.text).toMatch(/backups[\s\S]*newest \d+ s old, in s3:\/\/devbot-snapshots\//);
  });

  it('a backup truncated in storage is caught by the read-back: the job fails loudly and the bad backup is deleted', async () => {
    const real = bot.deps.backupsFor.bind(bot.deps);
    // Storage that loses the end of what it was given (a cut connection the store did not notice).
    bot.deps.backupsFor = (environment) => {
      const b = real(environment);
      if (environment !== 'staging') return b;
      const truncating: Backups = { ...b, write: async (s, m) => {
        const entry = await b.write(s, m);
        truncateSync(entry.location, entry.sizeBytes - 4096);
        return entry;
      } };
      return truncating;
    };
    try {
      const { outcome, summary, shown } = await finished('etcd snapshot', STAGING);
      expect(outcome).toBe('failed');
      expect(summary).toMatch(new RegExp(`^The backup ${dir}/staging/\\S+-rev\\d+\\.db is damaged: \\d+ bytes read back, \\d+ were written; its SHA-256 is [0-9a-f]{12}…, [0-9a-f]{12}… was recorded when it was written; etcd's own checksum at its end does not match \\(not a whole etcd snapshot\\)\\. It was deleted; the previous backups are untouched\\.$`));
      expect(shown).toContain(':x: Read it back and verify it');
      expect(await real('staging').list()).toEqual([]);
    } finally {
      bot.deps.backupsFor = real;
    }
  });

  it('a backup corrupted in S3 (one byte flipped) fails the SHA-256 check', async () => {
    const real = bot.deps.backupsFor.bind(bot.deps);
    bot.deps.backupsFor = (environment) => {
      const b = real(environment);
      return { ...b, write: async (s, m) => {
        const entry = await b.write(s, m);
        // s3rver keeps each object as a file: flip a byte in the middle of it.
        const objectFile = join(s3.directory, BUCKET, ...entry.name.split('/').slice(0, -1), `${entry.name.split('/').at(-1)}._S3rver_object`);
        const bytes = readFileSync(objectFile);
        const fd = openSync(objectFile, 'r+');
        writeSync(fd, Buffer.from([bytes[8192]! ^ 0xff]), 0, 1, 8192);
        return entry;
      } };
    };
    try {
      const before = (await s3Backups().list()).length;
      const { outcome, summary } = await finished('etcd snapshot', DEV);
      expect(outcome).toBe('failed');
      expect(summary).toMatch(/^The backup s3:\/\/devbot-snapshots\/\S+ is damaged: its SHA-256 is [0-9a-f]{12}…, [0-9a-f]{12}… was recorded when it was written; etcd's own checksum at its end does not match/);
      expect((await s3Backups().list()).length).toBe(before);
    } finally {
      bot.deps.backupsFor = real;
    }
  });

  it('says how to configure backups where there are none, and that etcdctl is missing where it is', async () => {
    const none = await finished('etcd snapshot', PROD);
    expect(none.outcome).toBe('failed');
    expect(none.summary).toMatch(/^etcd backups are not configured for prod\. Add `environments\.prod\.etcd\.backup`, e\.g\./);

    const tools = bot.deps.snapshotTools;
    bot.deps.snapshotTools = createSnapshotTools({ etcdctl: 'etcdctl-not-installed-here' });
    try {
      const missing = await finished('etcd snapshot', STAGING);
      expect(missing.outcome).toBe('failed');
      expect(missing.summary).toMatch(/^`etcdctl-not-installed-here` is not installed on this worker's host \(not found on its PATH\)\. devbot's worker needs etcd and etcdctl/);
    } finally {
      bot.deps.snapshotTools = tools;
    }
  });
});
