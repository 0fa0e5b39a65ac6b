import type { BackupConfig } from '../config/backup-schema.js';
import type { Backups } from '../ports/backups.js';
import { createDirBackups } from './fs/dir-backups.js';
import { createS3Backups } from './s3/s3-backups.js';

/**
 * The Backups adapter an environment's `etcd.backup.destination` names: S3 (the endpoint from
 * the config, else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, addressed path-style) or a directory.
 */
export function createBackups(environment: string, backup: BackupConfig, env: NodeJS.ProcessEnv): Backups & { close(): void } {
  const { s3, dir } = backup.destination;
  if (s3) {
    const endpoint = s3.endpoint ?? env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'];
    return createS3Backups({ environment, bucket: s3.bucket, prefix: s3.prefix, region: s3.region, endpoint });
  }
  return { ...createDirBackups({ environment, dir: dir! }), close: () => undefined };
}
