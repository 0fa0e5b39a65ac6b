import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { cidrContains, parseCidr } from '../stack/cidr.js';
import { mainMemberProblems } from '../stack/main-members.js';

/**
 * `environments.<env>.aws`: where the environment's CloudFormation stack lives and the inputs of
 * the template generated for it (src/stack/). Absent = AWS is not configured for the environment.
 */

const cidr = z.string().refine((s) => parseCidr(s) !== undefined, 'write an IPv4 CIDR block whose host bits are zero, such as 10.0.0.0/16');
const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type such as t3.medium');
const volumeSizeGb = z.number().int().min(8, 'at least 8 GiB').max(16_384);

const mainGroupSchema = z
  .object({
    /** Fixed size: main nodes run etcd, so the group never scales by itself. */
    size: z.number().int().min(3, 'main runs etcd: at least 3 nodes, or one lost node loses quorum').max(9, 'main runs etcd: at most 9 nodes').default(3),
    instanceType: instanceType.default('t3.medium'),
    volumeSizeGb: volumeSizeGb.default(30),
  })
  .strict();

const workerGroupSchema = z
  .object({
    min: z.number().int().min(0).default(0),
    max: z.number().int().min(0).max(100).default(6),
    desired: z.number().int().min(0).default(2),
    instanceType: instanceType.default('t3.medium'),
    volumeSizeGb: volumeSizeGb.default(30),
  })
  .strict()
  .refine((g) => g.min <= g.desired && g.desired <= g.max, 'worker sizes must satisfy min ≤ desired ≤ max');

const dataGroupSchema = z
  .object({
    /** Resized by hand: one dedicated task per node. */
    size: z.number().int().min(0).max(50).default(0),
    instanceType: instanceType.default('t3.large'),
    volumeSizeGb: volumeSizeGb.default(100),
  })
  .strict();

/** Flatcar's etcd-member image; 3.5 is the last line that serves the v2 API fleet needs. */
export const DEFAULT_ETCD_IMAGE = 'quay.io/coreos/etcd:v3.5.17';

const etcdSchema = z
  .object({
    /** The etcd v3 image main nodes run (worker and data nodes run its grpc-proxy). */
    image: z.string().regex(/^[^\s]+:v3\.[45]\.\d+$/, 'an etcd 3.4 or 3.5 image such as quay.io/coreos/etcd:v3.5.17 (fleet needs the v2 API, which etcd 3.6 removed)').default(DEFAULT_ETCD_IMAGE),
    /**
     * Optional, first boot only: https://discovery.etcd.io/<token> bootstraps the new cluster
     * instead of the members' fixed addresses. A replaced main node never needs it.
     */
    discoveryUrl: z.string().url().startsWith('https://', 'use an https discovery URL').optional(),
    /**
     * The members' names and fixed addresses, `name=http://ip:2380,…`, one per main node, each
     * inside the node subnet of a zone. Default: main-1 … main-N at .10 (.11, .12) of the zones' subnets.
     */
    initialCluster: z.string().optional(),
  })
  .strict();

const servicePortSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'service names are lowercase words'),
    port: z.number().int().min(1).max(65535),
    /** Last port of a range; defaults to `port`. */
    toPort: z.number().int().min(1).max(65535).optional(),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    /** Who may connect. */
    cidr: cidr.default('0.0.0.0/0'),
  })
  .strict()
  .refine((p) => p.toPort === undefined || p.toPort >= p.port, 'toPort must not be below port');

const networkSchema = z
  .object({
    vpcCidr: cidr.default('10.0.0.0/16'),
    /** Three zones; by default the region's first three (Fn::GetAZs), so the template needs no zone names. */
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'a zone name such as eu-west-1a')).length(3, 'list exactly three availability zones').optional(),
    /** One per zone; by default cut from vpcCidr. */
    publicSubnetCidrs: z.array(cidr).length(3, 'list exactly three public subnets').optional(),
    privateSubnetCidrs: z.array(cidr).length(3, 'list exactly three private subnets').optional(),
    /** One NAT gateway gives the private subnets a way out (it costs money by the hour). */
    natGateway: z.boolean().default(false),
    /** Where the nodes run. Public subnets give them public addresses (the security groups still decide who gets in). */
    nodeSubnets: z.enum(['public', 'private']).default('public'),
  })
  .strict()
  .superRefine((n, ctx) => {
    const prefix = parseCidr(n.vpcCidr)?.prefix;
    if (prefix !== undefined && (prefix < 16 || prefix > 24) && !(n.publicSubnetCidrs && n.privateSubnetCidrs)) {
      ctx.addIssue({ code: 'custom', path: ['vpcCidr'], message: 'use a /16 to /24 block, or list publicSubnetCidrs and privateSubnetCidrs yourself' });
    }
    for (const key of ['publicSubnetCidrs', 'privateSubnetCidrs'] as const) {
      n[key]?.forEach((s, i) => {
        if (!cidrContains(n.vpcCidr, s)) ctx.addIssue({ code: 'custom', path: [key, i], message: `${s} is not inside the VPC's ${n.vpcCidr}` });
      });
    }
    if (n.nodeSubnets === 'private' && !n.natGateway) {
      ctx.addIssue({ code: 'custom', path: ['nodeSubnets'], message: 'nodes in private subnets need natGateway: true to reach the internet (images, discovery)' });
    }
  });

export const awsSchema = z
  .object({
    /** Else the SDK's default (AWS_REGION, the profile's region). */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region such as eu-west-1').optional(),
    /** Default `devbot-<environment>`. */
    stackName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'letters, digits and dashes, starting with a letter (CloudFormation rule)').optional(),
    /** CoreOS / Flatcar AMI of the nodes (it must read cloud-config user data). */
    imageId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, 'an AMI id such as ami-0123456789abcdef0'),
    keyName: z.string().min(1).optional(),
    /** Name of an existing instance profile for the nodes. */
    iamInstanceProfile: z.string().min(1).optional(),
    /** Who may SSH to the nodes. */
    sshCidr: cidr,
    network: networkSchema.prefault({}),
    etcd: etcdSchema.prefault({}),
    groups: z
      .object({ main: mainGroupSchema.prefault({}), worker: workerGroupSchema.prefault({}), data: dataGroupSchema.prefault({}) })
      .strict()
      .prefault({}),
    /** Catalog services whose host ports are opened to `cidr` (the catalog of environments.<env>.fleet, else config/services.yaml). */
    exposeServices: z.array(z.object({ service: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a service name from the catalog'), cidr: cidr.default('0.0.0.0/0') }).strict()).default([]),
    /** Further ports to open on the nodes, beyond the catalog's. */
    servicePorts: z.array(servicePortSchema).default([]),
    /** Added to the stack, and so to every resource in it. */
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
    /** How often a running stack operation is polled (events stream into the job's thread). */
    pollIntervalMs: z.number().int().positive().default(3000),
    /** A change set not ready within this long is given up. */
    changeSetTimeoutMs: z.number().int().positive().default(5 * 60_000),
    /** devbot stops following a stack operation after this long (CloudFormation carries on). */
    operationTimeoutMs: z.number().int().positive().default(2 * 3600_000),
  })
  .strict()
  .superRefine((a, ctx) => {
    for (const key of Object.keys(a.tags)) {
      if (key.startsWith('aws:')) ctx.addIssue({ code: 'custom', path: ['tags', key], message: 'tag keys starting with aws: are reserved' });
    }
    for (const message of mainMemberProblems({ size: a.groups.main.size, network: a.network, initialCluster: a.etcd.initialCluster })) {
      ctx.addIssue({ code: 'custom', path: ['etcd', 'initialCluster'], message });
    }
    const names = a.servicePorts.map((p) => p.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['servicePorts', i, 'name'], message: `service port '${n}' is listed twice` });
    });
  });

export type AwsConfig = z.infer<typeof awsSchema>;
export type ServicePortConfig = z.infer<typeof servicePortSchema>;

/** The default stack name of an environment. */
export function stackNameOf(environment: string, aws: Pick<AwsConfig, 'stackName'>): string {
  return aws.stackName ?? `devbot-${environment}`;
}

/** How to configure AWS, for the messages that say it is not. */
export const AWS_HOW_TO =
  'devbot uses the AWS SDK’s default credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role) and region (environments.<env>.aws.region or AWS_REGION); see "AWS configuration" in the README.';

/** The environment's AWS settings, or a ConfigError saying AWS is not configured there and how to do it. */
export function awsConfigOf(environment: string, env: { aws?: AwsConfig } | undefined): AwsConfig {
  if (env?.aws) return env.aws;
  throw new ConfigError(
    `AWS is not configured for ${environment}: add \`environments.${environment}.aws\` to the config (imageId and sshCidr; the rest has defaults). ${AWS_HOW_TO}`,
  );
}
