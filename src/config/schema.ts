import { z } from 'zod';
import { aclPolicySchema } from '../acl/policy.js';
import { awsSchema } from './aws-schema.js';
import { backupSchema } from './backup-schema.js';
import { alertsSchema } from './alerts-schema.js';
import { fleetSchema } from './fleet-schema.js';
import { dashboardSchema, opsSchema } from './ops-schema.js';
import { remoteSchema } from './remote-schema.js';

const url = z.string().url();

const etcdSchema = z
  .object({
    endpoints: z.array(url).min(1, 'list at least one etcd client URL'),
    /** Deadline for each health probe call; quorum is judged lost past it. */
    probeTimeoutMs: z.number().int().positive().default(500),
    /** etcd's backend quota (--quota-backend-bytes); the db-size alert warns at 80 % of it. */
    quotaBytes: z.number().int().positive().default(2 * 1024 ** 3),
    /** `/dev etcd replace`: how long the new member may take to start, catch up and be promoted; how far behind the leader it may be then. */
    replace: z
      .object({
        learnerTimeoutMs: z.number().int().positive().default(60_000),
        maxLagEntries: z.number().int().min(0).default(1000),
        /** How often the members are asked while waiting (etcd has no watch on membership). */
        pollMs: z.number().int().positive().default(500),
      })
      .strict()
      .prefault({}),
    /** Where etcd lives on the main nodes, for the commands `/dev etcd recover` writes out. */
    host: z
      .object({
        dataDir: z.string().startsWith('/', 'an absolute path, e.g. /var/lib/etcd').default('/var/lib/etcd'),
        unit: z.string().min(1).default('etcd-member.service'),
        /** How to run etcd, etcdctl and etcdutl on a node: a binary, or `docker run --rm --net=host -v /var/lib/etcd:/var/lib/etcd <image> /usr/local/bin/etcd`. */
        etcd: z.string().min(1).default('etcd'),
        etcdctl: z.string().min(1).default('etcdctl'),
        etcdutl: z.string().min(1).default('etcdutl'),
      })
      .strict()
      .prefault({}),
    /** Snapshots on a schedule, verified, pruned, drilled (config/backup-schema.ts); absent = no backups. */
    backup: backupSchema.optional(),
  })
  .strict();

const databaseSchema = z
  .object({
    /** Candidates put `<electionPrefix>/<lease id hex>` (etcdctl elect, Go concurrency); etcd3's Election uses `election/<name>`. */
    electionPrefix: z.string().min(1).regex(/^[^/].*[^/]$|^[^/]$/, 'write the prefix without leading or trailing /'),
    /** How many candidates should be campaigning; fewer is worth an alert. */
    candidates: z.number().int().min(1).max(9).default(3),
    /** The lease TTL the candidates use: a crashed leader blocks the election this long. */
    leaseTtlSeconds: z.number().int().positive().default(10),
    /** A failover that sees no new leader within this long stops and says what to check. */
    failoverTimeoutMs: z.number().int().positive().default(15_000),
  })
  .strict();

const environmentSchema = z
  .object({
    /** Deploys and rollbacks here need an explicit confirmation. */
    protected: z.boolean().default(false),
    /** How many distinct people must agree to a dangerous action (2 = someone other than the requester). */
    approvals: z.number().int().min(1).max(3).default(1),
    /**
     * With approvals ≥ 2, whether console requests and approvals count. Off by default: the
     * console's `--as` is not checked by Slack, so one person with two consoles would be two people.
     */
    consoleApprovals: z.boolean().default(false),
    etcd: etcdSchema,
    /** Databases whose primary is elected through this environment's etcd. */
    databases: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'database names are lowercase words'), databaseSchema).default({}),
    /** fleet and the service catalog; without it deploy, rollback and units are off here. */
    fleet: fleetSchema.optional(),
    /** The environment's CloudFormation stack and the inputs of its template; absent = AWS not configured here. */
    aws: awsSchema.optional(),
    /** SSH to the machines for `/dev logs` and allow-listed `/dev exec` (config/remote-schema.ts); absent = both off here. */
    remote: remoteSchema.optional(),
  })
  .strict();

const channelSchema = z
  .object({
    /** Slack channel id (C…); when omitted the channel is matched by name. */
    id: z.string().optional(),
    environment: z.string().min(1),
    /** Accept Slack Connect requests here (from another workspace, or with the channel shared with one). Needs `id`. */
    allowShared: z.boolean().default(false),
  })
  .strict();

export const configSchema = z
  .object({
    slack: z
      .object({
        port: z.number().int().min(0).max(65535).default(3000),
        botToken: z.string().optional(),
        signingSecret: z.string().optional(),
        appToken: z.string().optional(),
        apiUrl: url.optional(),
        /**
         * `shared` (the default, also when unset): every chat.* call waits for its turn in the
         * workspace's rate budget in Redis, shared by all replicas; while Redis is unreachable
         * calls wait in the process's own copy of the budget instead. `off`: calls go straight
         * out, each 429 is honoured on its own.
         */
        rateBudget: z.enum(['shared', 'off'], { message: "slack.rateBudget is 'shared' or 'off'" }).optional(),
      })
      .strict()
      .default({ port: 3000 }),
    redis: z
      .object({
        url: z.string().default('redis://127.0.0.1:6379'),
        /** Prefix for every key devbot writes, so several bots can share one Redis. */
        prefix: z.string().min(1).default('devbot'),
        /** Give up on a Redis call after this long and tell the user, instead of hanging. */
        commandTimeoutMs: z.number().int().positive().default(1500),
      })
      .strict()
      .default({ url: 'redis://127.0.0.1:6379', prefix: 'devbot', commandTimeoutMs: 1500 }),
    jobs: z
      .object({
        queue: z.string().min(1).default('devbot'),
        concurrency: z.number().int().min(1).max(64).default(4),
        /** A confirmation not given within this long expires (and says so). */
        confirmTimeoutMs: z.number().int().positive().default(10 * 60_000),
      })
      .strict()
      .default({ queue: 'devbot', concurrency: 4, confirmTimeoutMs: 10 * 60_000 }),
    audit: z
      .object({ retentionDays: z.number().positive().default(90) })
      .strict()
      .default({ retentionDays: 90 }),
    status: z
      .object({
        /** The report comes back within this bound whatever etcd or Redis do. */
        deadlineMs: z.number().int().positive().default(1500),
      })
      .strict()
      .default({ deadlineMs: 1500 }),
    environments: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'environment names are lowercase words'), environmentSchema)
      .refine((e) => Object.keys(e).length > 0, 'define at least one environment'),
    channels: z.record(z.string().min(1), channelSchema).default({}),
    acl: aclPolicySchema.default({ groups: {}, rules: [] }),
    alerts: alertsSchema,
    ops: opsSchema,
    dashboard: dashboardSchema,
    log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).strict().default({ level: 'info' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type ChannelConfig = z.infer<typeof channelSchema>;
