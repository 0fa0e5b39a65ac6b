import { z } from 'zod';
import { DOCKER_TAG_PATTERN, DOCKER_TAG_RULE, isDockerTag } from './docker-tag.js';

/**
 * The service catalog (config/services.yaml): every service the team runs on the cluster, as
 * data. src/units/ renders it into systemd units with [X-Fleet] sections; the deploy job submits
 * those to fleet. Cross-references are checked in check-catalog.ts.
 */

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
/** A catalog service, or a unit by its full name (docker.service, etcd2.service). */
const UNIT_REF = /^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,99}$/;
const PATH = /^\/[A-Za-z0-9_.\/-]+$/;
/**
 * Every value written into a unit file: a newline there starts a line of its own (an extra
 * `[X-Fleet]` option, an extra `ExecStartPre=`), so control characters and line separators are refused.
 */
const NO_CONTROL = /^[^\p{Cc}\u2028\u2029]*$/u;
const NO_CONTROL_RULE = 'no control characters (newlines, tabs)';

/** Docker's tag grammar (docker-tag.ts, the same check `/dev deploy --version` makes). */
export const TAG_PATTERN = DOCKER_TAG_PATTERN;

const text = z.string().regex(NO_CONTROL, NO_CONTROL_RULE);

/** Secrets by reference: the value comes from `<secretsDir>/<secret>.env` on the machine, never from here. */
const secretRef = z.object({ secret: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a secret file name: lowercase letters, digits, . _ -') }).strict();
const envValue = z.union([text, z.number(), z.boolean(), secretRef]);

const port = z
  .union([z.number().int().min(1).max(65535), z.string()])
  .transform((p) => (typeof p === 'number' ? `${p}:${p}` : p))
  .refine((p) => /^((\d{1,3}\.){3}\d{1,3}:)?\d{1,5}:\d{1,5}(\/(tcp|udp))?$/.test(p), 'a port is "host:container", "ip:host:container" or a number, optionally with /tcp or /udp');

const volume = z
  .string()
  .regex(NO_CONTROL, NO_CONTROL_RULE)
  .regex(/^\/[^:\s]*:\/[^:\s]*(:(ro|rw))?$/, 'a volume is "/host/path:/container/path", optionally with :ro');

/** fleet splits a MachineMetadata value on whitespace: a space would be a second requirement. */
const metadataValue = z.string().regex(/^[^\s\p{Cc}]+$/u, 'a metadata value: no spaces, newlines or control characters');

const healthSchema = z
  .object({
    /** GET this URL; 2xx passes, 429 warns, anything else (or no answer) is critical. `{ip}` is the instance's machine. */
    http: z.string().regex(/^https?:\/\/\S+$/, 'an http:// or https:// URL (may use {ip}, {port}…)').optional(),
    /** Run this on the worker: exit 0 passes, 1 warns, anything else is critical. Arguments may use {ip}, {unit}, {instance}, {machine}. */
    command: z.array(text.min(1)).min(1).optional(),
    /** Deadline of one check. */
    timeoutMs: z.number().int().positive().default(2000),
    /** Pause between checks while waiting for the first pass. */
    intervalMs: z.number().int().positive().default(1000),
    /** The instance must pass within this long after it became active, or the deploy stops. */
    withinMs: z.number().int().positive().default(60_000),
  })
  .strict()
  .refine((h) => (h.http === undefined) !== (h.command === undefined), 'give exactly one of http or command');

const placementSchema = z
  .object({
    /** Machines whose fleet metadata has these values (a list: any of them). */
    machineMetadata: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.union([metadataValue, z.array(metadataValue).min(1)])).default({}),
    /** Never on a machine that runs a unit matching one of these globs. */
    conflicts: z.array(z.string().regex(/^[A-Za-z0-9*?][A-Za-z0-9:_.@*?-]{0,99}$/, 'a unit name or glob')).default([]),
    /** One copy on every machine that matches machineMetadata. */
    global: z.boolean().default(false),
    /** On the same machine as this unit or catalog service. */
    machineOf: z.string().regex(UNIT_REF).optional(),
    /** Instances of a multi-instance service on different machines (Conflicts=<name>@*.service). */
    spread: z.boolean().default(true),
  })
  .strict();

const serviceSchema = z
  .object({
    description: text.max(200).optional(),
    /** Docker image without its tag, e.g. gerritcodereview/gerrit. */
    image: z.string().regex(/^[a-z0-9][a-z0-9._\-/:]*[a-z0-9]$/, 'a docker image name without tag (lowercase)'),
    /** The tag deployed when /dev deploy gets no --version. */
    version: z.union([z.string(), z.number()]).transform(String).refine(isDockerTag, DOCKER_TAG_RULE),
    instances: z.number().int().min(1).max(20).default(1),
    ports: z.array(port).default([]),
    volumes: z.array(volume).default([]),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), envValue).default({}),
    /** Arguments after the image (the container's command). */
    command: z.array(text).default([]),
    /** Extra `docker run` flags, for what the catalog has no field for (e.g. --network=host). */
    dockerArgs: z.array(text).default([]),
    /** Ordering and hard dependencies: catalog services or unit names, on the same machine. */
    after: z.array(z.string().regex(UNIT_REF)).default([]),
    requires: z.array(z.string().regex(UNIT_REF)).default([]),
    placement: placementSchema.default({ machineMetadata: {}, conflicts: [], global: false, spread: true }),
    health: healthSchema.optional(),
    /**
     * How long the unit may take to start (pull included): its TimeoutStartSec=, and how long a
     * deploy waits for it. Default: the environment's `fleet.startTimeoutMs`.
     */
    startTimeoutMs: z.number().int().positive().max(24 * 3600_000, 'at most a day (86400000)').optional(),
  })
  .strict();

const defaultsSchema = z
  .object({
    docker: z.string().regex(PATH, 'an absolute path').default('/usr/bin/docker'),
    secretsDir: z.string().regex(PATH, 'an absolute path').default('/etc/devbot/secrets'),
    /** Added to every service (deduplicated). */
    after: z.array(z.string().regex(UNIT_REF)).default(['docker.service']),
    requires: z.array(z.string().regex(UNIT_REF)).default(['docker.service']),
  })
  .strict();

export const catalogSchema = z
  .object({
    defaults: defaultsSchema.default({ docker: '/usr/bin/docker', secretsDir: '/etc/devbot/secrets', after: ['docker.service'], requires: ['docker.service'] }),
    services: z.record(z.string().regex(SERVICE_NAME, 'service names are lowercase words with dashes, at most 40 characters'), serviceSchema),
  })
  .strict();

export type Catalog = z.infer<typeof catalogSchema>;
export type ServiceSpec = z.infer<typeof serviceSchema>;
export type HealthSpec = z.infer<typeof healthSchema>;
export type CatalogDefaults = z.infer<typeof defaultsSchema>;
