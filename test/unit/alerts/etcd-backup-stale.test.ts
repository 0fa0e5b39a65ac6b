import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/alerts/rule.js';
import { etcdBackupStale } from '../../../src/alerts/rules/etcd-backup-stale.rule.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { BackupAttempt } from '../../../src/ports/backup-attempts.js';

const MIN = 60_000;
const config = loadConfig({ documents: ['environments:\n  prod:\n    etcd:\n      endpoints: [http://a:2379]\n      backup: { intervalMs: 1800000, destination: { dir: /var/backups } }'] }).environments['prod']!;
const NOW = new Date('2025-06-30T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const attempt = (over: Partial<BackupAttempt>): BackupAttempt => ({ action: 'snapshot', at: ago(MIN), ok: true, scheduled: true, detail: 'x.db', ...over });

function snapshot(backups: Snapshot['backups']): Snapshot {
  return {
    environment: 'prod', config, at: NOW, databases: {}, backups,
    etcd: { members: [], hasQuorum: true, leader: 'e1', quorumReason: 'ok', checkedAt: NOW, tookMs: 1 },
  };
}
const newest = (ageMs: number) => ({ name: 'prod/x.db', takenAt: ago(ageMs), location: 's3://b/prod/x.db' });
const fired = (s: Snapshot) => etcdBackupStale.evaluate(s).map((f) => `${f.subject}: ${f.summary}`);

describe('the etcd-backup-stale rule', () => {
  it('is quiet while the newest backup is younger than twice the interval and the last attempt worked', () => {
    expect(fired(snapshot({ newest: newest(59 * MIN), attempts: [attempt({})] }))).toEqual([]);
  });

  it('fires once the newest backup is older than twice the interval', () => {
    expect(fired(snapshot({ newest: newest(61 * MIN), attempts: [attempt({ at: ago(61 * MIN) })] }))).toEqual([
      'snapshots: The newest etcd backup of prod is 1 h 1 min old (one is due every 30 min)',
    ]);
  });

  it('fires when the last snapshot failed, with its error, even with a fresh backup', () => {
    const [finding] = etcdBackupStale.evaluate(snapshot({ newest: newest(20 * MIN), attempts: [attempt({ ok: false, detail: 'S3 denied devbot while uploading' }), attempt({ at: ago(20 * MIN) })] }));
    expect(finding?.summary).toBe('etcd snapshots of prod are failing: the last one failed 1 min ago');
    expect(finding?.details.join('\n')).toMatch(/S3 denied devbot[\s\S]*newest backup 20 min old/);
    expect(finding?.command?.text).toBe('etcd snapshot --env prod');
  });

  it('fires when there is no backup at all; not when the backups could not be listed and nothing failed', () => {
    expect(fired(snapshot({ attempts: [] }))).toEqual(['snapshots: There is no etcd backup of prod']);
    expect(fired(snapshot({ listError: 'no answer within 1.5 s', attempts: [attempt({})] }))).toEqual([]);
  });

  it('fires for a failed drill until a drill passes', () => {
    const failedDrill = attempt({ action: 'drill', ok: false, detail: 'The backup s3://b/prod/x.db is damaged' });
    expect(fired(snapshot({ newest: newest(MIN), attempts: [failedDrill, attempt({})] }))).toEqual(["drill: The last restore drill of prod's etcd backups failed 1 min ago"]);
    expect(fired(snapshot({ newest: newest(MIN), attempts: [attempt({ action: 'drill' }), failedDrill] }))).toEqual([]);
  });

  it('applies only where etcd.backup is configured', () => {
    const without = loadConfig({ documents: ['environments:\n  prod: { etcd: { endpoints: [http://a:2379] } }'] }).environments['prod']!;
    expect(etcdBackupStale.appliesTo(without)).toBe(false);
    expect(etcdBackupStale.appliesTo(config)).toBe(true);
  });
});
