import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { issuesOf } from './config-issues.js';

const withBackup = (backup: string) => `environments:\n  prod:\n    etcd:\n      endpoints: [http://a:2379]\n      backup: ${backup}\n`;

describe('environments.<env>.etcd.backup', () => {
  it('defaults: every 30 min, all for 24 h, hourly for 7 days, daily for 90 days, no drill', () => {
    const backup = loadConfig({ documents: [withBackup('{ destination: { s3: { bucket: etcd-backups } } }')] }).environments['prod']!.etcd.backup!;
    expect(backup).toEqual({
      intervalMs: 30 * 60_000,
      destination: { s3: { bucket: 'etcd-backups' } },
      retention: { allWithinMs: 86_400_000, hourlyForMs: 7 * 86_400_000, dailyForMs: 90 * 86_400_000 },
      drill: {},
    });
  });

  it('takes a directory, a weekly drill and retention of its own', () => {
    const backup = loadConfig({ documents: [withBackup('{ destination: { dir: .local-cluster/backups }, drill: { intervalMs: 604800000 }, retention: { allWithinMs: 3600000 } }')] }).environments['prod']!.etcd.backup!;
    expect(backup.destination).toEqual({ dir: '.local-cluster/backups' });
    expect(backup.drill.intervalMs).toBe(604_800_000);
    expect(backup.retention.allWithinMs).toBe(3_600_000);
    expect(backup.retention.dailyForMs).toBe(90 * 86_400_000);
  });

  it('says what is wrong, field by field', () => {
    expect(issuesOf(withBackup('{ destination: {} }')).join('\n')).toMatch(/destination.*exactly one of destination.s3.*or destination.dir/);
    expect(issuesOf(withBackup('{ destination: { dir: /a, s3: { bucket: abc } } }')).join('\n')).toMatch(/exactly one/);
    expect(issuesOf(withBackup('{ destination: { s3: { bucket: ab } } }')).join('\n')).toMatch(/bucket.*at least 3 characters/);
    expect(issuesOf(withBackup('{ destination: { s3: { bucket: abc, prefix: /x/ } } }')).join('\n')).toMatch(/prefix.*without leading or trailing/);
    expect(issuesOf(withBackup('{ destination: { dir: /a }, retention: { allWithinMs: 999999999999 } }')).join('\n')).toMatch(/retention tiers must grow/);
    expect(issuesOf(withBackup('{ destination: { dir: /a }, bucket: x }')).join('\n')).toMatch(/bucket/);
  });
});
