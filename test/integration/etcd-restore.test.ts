/**
 * A backup taken by `/dev etcd snapshot` really restores a cluster: 10,000 keys written to a
 * 3-member etcd of the test's own, snapshotted by the job, the cluster destroyed (every member
 * killed, its data deleted), all three members restored from the backup with `etcdctl snapshot
 * restore` and a new cluster token, started, and every key read back. And the revision check holds
 * where etcdctl alone would get it wrong: after a delete at the head that a compaction removed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirBackups } from '../../src/adapters/fs/dir-backups.js';
import { isEtcdHealthy } from '../../tools/local-cluster/etcd.js';
import { startMember, stopMember } from '../../tools/local-cluster/members.js';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { isEtcdMember, readState } from '../../tools/local-cluster/state.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { uniqueName } from '../harness/unique.js';
import { ALICE, DEV, startBot, type Bot } from './jobs-platform-bot.js';

const run = promisify(execFile);
const KEYS = 10_000;

describe('restoring a cluster from a backup of /dev etcd snapshot', () => {
  let cluster: LocalCluster;
  let bot: Bot;
  let dir: string;
  let client: Etcd3 | undefined;

  beforeAll(async () => {
    cluster = await startLocalCluster();
    dir = mkdtempSync(join(tmpdir(), 'devbot-restore-backups-'));
    bot = await startBot({
      config: `
environments:
  dev: { etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}], backup: { destination: { dir: ${dir} } } } }
acl:
  rules:
    - { name: oncall, users: [${ALICE}], verbs: [etcd], channels: ['*'], environments: ['*'] }
`,
    });
  });

  afterAll(async () => {
    client?.close();
    await bot?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function snapshotJob(): Promise<{ outcome?: string; summary: string }> {
    const ack = await bot.command(ALICE, 'etcd snapshot', DEV);
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 60_000);
    const result = (await bot.deps.jobState.load(ack.jobId!))?.result;
    return { outcome: result?.outcome, summary: result?.summary ?? '' };
  }

  it('10,000 keys: snapshot, destroy the cluster, restore all three members with a new token, read back every key', { timeout: 120_000 }, async () => {
    client = new Etcd3({ hosts: cluster.etcd.endpoints });
    const prefix = `/${uniqueName('restore')}/`;
    const written = new Map<string, string>();
    for (let i = 0; i < KEYS; i += 100) {
      const ops = [];
      for (let j = i; j < i + 100; j++) {
        const key = `${prefix}key-${String(j).padStart(5, '0')}`;
        const value = randomBytes(24).toString('base64');
        written.set(key, value);
        ops.push(client.put(key).value(value));
      }
      await Promise.all(ops.map((op) => op.exec()));
    }
    expect(written.size).toBe(KEYS);

    const { outcome, summary } = await snapshotJob();
    expect(outcome, summary).toBe('succeeded');
    const [backup] = await createDirBackups({ environment: 'dev', dir }).list();
    expect(backup).toBeDefined();
    client.close();
    client = undefined;

    // Destroy: every member killed, every data directory gone.
    const members = readState(cluster.stateFile).processes.filter(isEtcdMember);
    await Promise.all(members.map((m) => stopMember(cluster.stateFile, m.name)));
    for (const m of members) rmSync(m.dataDir, { recursive: true, force: true });

    // Restore each member from the one backup, as the README says, then start them as before.
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    const token = uniqueName('restored');
    for (const m of members) {
      await run('etcdctl', ['snapshot', 'restore', backup!.location, '--name', m.name, '--data-dir', m.dataDir, '--initial-cluster', initialCluster, '--initial-cluster-token', token, '--initial-advertise-peer-urls', m.peerUrl]);
    }
    await Promise.all(members.map((m) => startMember(cluster.stateFile, m.name)));
    await waitFor('the restored members to report healthy', async () => (await Promise.all(members.map((m) => isEtcdHealthy(m.clientUrl)))).every(Boolean), { timeoutMs: 30_000 });

    client = new Etcd3({ hosts: cluster.etcd.endpoints });
    const read = await client.getAll().prefix(prefix).strings();
    expect(Object.keys(read)).toHaveLength(KEYS);
    for (const [key, value] of written) expect(read[key], key).toBe(value);
    const { stdout } = await run('etcdctl', [`--endpoints=${cluster.etcd.endpoints.join(',')}`, 'endpoint', 'status', '-w', 'json']);
    expect((JSON.parse(stdout) as Array<{ Status: { header: { revision: number } } }>).map((s) => s.Status.header.revision)).toEqual([backup!.revision, backup!.revision, backup!.revision]);
  });

  it('a delete at the head of history, then compacted away: the backup is verified at the compaction revision', { timeout: 60_000 }, async () => {
    const endpoints = `--endpoints=${cluster.etcd.endpoints.join(',')}`;
    const key = `/${uniqueName('head')}`;
    await run('etcdctl', [endpoints, 'put', key, 'x']);
    await run('etcdctl', [endpoints, 'del', key]);
    const { stdout } = await run('etcdctl', [endpoints, 'endpoint', 'status', '-w', 'json']);
    const head = (JSON.parse(stdout) as Array<{ Status: { header: { revision: number } } }>)[0]!.Status.header.revision;
    // --physical: etcdctl returns once the compaction has removed the history, not when it is scheduled.
    await run('etcdctl', [endpoints, 'compact', '--physical', String(head)]);

    const { outcome, summary } = await snapshotJob();
    expect(outcome, summary).toBe('succeeded');
    expect(summary).toContain(`-rev${head}.db`);
    expect(summary).toContain(`it holds revision ${head} (etcdctl snapshot status, compacted at ${head})`);
    // Where etcdctl alone reports an older revision: the deleted key's tombstone is gone.
    const [newest] = await createDirBackups({ environment: 'dev', dir }).list();
    const status = await run('etcdctl', ['snapshot', 'status', newest!.location, '-w', 'json']);
    expect((JSON.parse(status.stdout) as { revision: number }).revision).toBeLessThan(head);
  });
});
