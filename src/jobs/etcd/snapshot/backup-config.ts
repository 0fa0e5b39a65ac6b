import { backupHowTo, type BackupConfig } from '../../../config/backup-schema.js';
import type { Config } from '../../../config/schema.js';
import { ConfigError } from '../../../errors.js';

/** The environment's `etcd.backup`, or a ConfigError that says how to configure it. */
export function backupConfigOf(config: Config, environment: string): BackupConfig {
  const env = config.environments[environment];
  if (!env) throw new ConfigError(`Unknown environment '${environment}'.`);
  if (!env.etcd.backup) throw new ConfigError(backupHowTo(environment));
  return env.etcd.backup;
}

/** Lock targets: one snapshot, and one drill, at a time per environment across every worker (underscore: not in `/dev locks`). */
export const snapshotLockOf = (environment: string) => `_etcd-snapshot@${environment}`;
export const drillLockOf = (environment: string) => `_etcd-drill@${environment}`;
