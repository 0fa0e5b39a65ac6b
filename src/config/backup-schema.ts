import { z } from 'zod';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const s3Schema = z
  .object({
    /** The bucket (it must exist; devbot does not create it). */
    bucket: z.string().min(3, 'S3 bucket names have at least 3 characters'),
    /** Key prefix inside the bucket, without leading or trailing /; keys are `<prefix>/<env>/<time>-rev<revision>.db`. */
    prefix: z.string().regex(/^[^/](.*[^/])?$/, 'write the prefix without leading or trailing /').optional(),
    /** Default: the SDK's (AWS_REGION, the profile). */
    region: z.string().min(1).optional(),
    /** An S3-compatible server (MinIO, s3rver); default AWS_ENDPOINT_URL_S3, else AWS. Path-style addressing is used with it. */
    endpoint: z.string().url().optional(),
  })
  .strict();

const destinationSchema = z
  .object({
    s3: s3Schema.optional(),
    /** A local directory on the worker's host (relative to its working directory); one subdirectory per environment. */
    dir: z.string().min(1).optional(),
  })
  .strict()
  .refine((d) => (d.s3 === undefined) !== (d.dir === undefined), 'give exactly one of destination.s3 (bucket, prefix…) or destination.dir (a path)');

const retentionSchema = z
  .object({
    /** Every backup younger than this is kept. */
    allWithinMs: z.number().int().min(0).default(DAY),
    /** Past that, one per clock hour (UTC) is kept until this age. */
    hourlyForMs: z.number().int().min(0).default(7 * DAY),
    /** Past that, one per day (UTC) is kept until this age; older ones are deleted (never the newest backup). */
    dailyForMs: z.number().int().min(0).default(90 * DAY),
  })
  .strict()
  .refine((r) => r.allWithinMs <= r.hourlyForMs && r.hourlyForMs <= r.dailyForMs, 'retention tiers must grow: allWithinMs ≤ hourlyForMs ≤ dailyForMs');

/**
 * `environments.<env>.etcd.backup`: v3 snapshots of the environment's etcd, taken on a schedule by
 * every `devbot worker` (one at a time), verified after upload, pruned by tiers, and restored into
 * a throwaway etcd by the drill. Absent: `/dev etcd snapshot|backups|drill` say how to configure it.
 */
export const backupSchema = z
  .object({
    /** How often a snapshot is taken. The `etcd-backup-stale` alert fires past twice this. */
    intervalMs: z.number().int().min(1000).default(30 * MINUTE),
    destination: destinationSchema,
    retention: retentionSchema.prefault({}),
    drill: z
      .object({
        /** When set, the restore drill runs this often (a week is 604800000). */
        intervalMs: z.number().int().min(1000).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type BackupConfig = z.infer<typeof backupSchema>;
export type RetentionPolicy = BackupConfig['retention'];

/** What to add to the config to turn backups on; shown by the etcd actions when it is missing. */
export function backupHowTo(environment: string): string {
  return `etcd backups are not configured for ${environment}. Add \`environments.${environment}.etcd.backup\`, e.g. \`backup: { destination: { s3: { bucket: my-etcd-backups } } }\` or \`backup: { destination: { dir: /var/lib/devbot/etcd-backups } }\` (README, "Snapshots and drills").`;
}
