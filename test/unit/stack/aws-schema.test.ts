import { describe, expect, it } from 'vitest';
import { awsConfigOf, awsSchema, stackNameOf } from '../../../src/config/aws-schema.js';
import { ConfigError } from '../../../src/errors.js';
import { cidrContains, parseCidr, subnetOf } from '../../../src/stack/cidr.js';
import { MINIMAL_AWS } from './aws-fixture.js';

const issues = (extra: Record<string, unknown>) => {
  const r = awsSchema.safeParse({ ...MINIMAL_AWS, ...extra });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('environments.<env>.aws', () => {
  it('needs only an image and the SSH CIDR; the rest has defaults', () => {
    const aws = awsSchema.parse(MINIMAL_AWS);
    expect(aws.groups).toEqual({
      main: { size: 3, instanceType: 't3.medium', volumeSizeGb: 30 },
      worker: { min: 0, max: 6, desired: 2, instanceType: 't3.medium', volumeSizeGb: 30 },
      data: { size: 0, instanceType: 't3.large', volumeSizeGb: 100 },
    });
    expect(aws.network).toEqual({ vpcCidr: '10.0.0.0/16', natGateway: false, nodeSubnets: 'public' });
    expect(aws.pollIntervalMs).toBe(3000);
    expect(stackNameOf('prod', aws)).toBe('devbot-prod');
    expect(issues({ imageId: undefined, sshCidr: undefined })).toEqual(['imageId: Invalid input: expected string, received undefined', 'sshCidr: Invalid input: expected string, received undefined']);
  });

  it('keeps main between 3 and 9 nodes, and workers within min ≤ desired ≤ max', () => {
    expect(issues({ groups: { main: { size: 2 } } })).toEqual(['groups.main.size: main runs etcd: at least 3 nodes, or one lost node loses quorum']);
    expect(issues({ groups: { main: { size: 10 } } })).toEqual(['groups.main.size: main runs etcd: at most 9 nodes']);
    expect(issues({ groups: { worker: { min: 3, desired: 2, max: 6 } } })).toEqual(['groups.worker: worker sizes must satisfy min ≤ desired ≤ max']);
  });

  it('needs no etcd keys: an etcd 3.4/3.5 image, and optionally a discovery URL and the members by hand', () => {
    expect(awsSchema.parse({ ...MINIMAL_AWS, etcd: undefined }).etcd).toEqual({ image: 'quay.io/coreos/etcd:v3.5.17' });
    // Kept from before: a discovery URL, now for the first boot only.
    expect(awsSchema.parse(MINIMAL_AWS).etcd).toEqual({ image: 'quay.io/coreos/etcd:v3.5.17', discoveryUrl: MINIMAL_AWS.etcd.discoveryUrl });
    expect(issues({ etcd: { image: 'quay.io/coreos/etcd:v3.6.0' } })).toEqual(['etcd.image: an etcd 3.4 or 3.5 image such as quay.io/coreos/etcd:v3.5.17 (fleet needs the v2 API, which etcd 3.6 removed)']);
    expect(issues({ etcd: { discoveryUrl: 'http://discovery.etcd.io/x' } })).toEqual(['etcd.discoveryUrl: use an https discovery URL']);
  });

  it('takes the members by hand only one per main node, each at a usable address of a node subnet', () => {
    const cluster = (...ips: string[]) => ({ etcd: { initialCluster: ips.map((ip, i) => `m${i}=http://${ip}:2380`).join(',') } });
    expect(issues(cluster('10.0.0.10', '10.0.16.10', '10.0.32.10'))).toEqual([]);
    expect(issues({ etcd: { initialCluster: 'a=10.0.0.1' } })).toEqual(['etcd.initialCluster: write name=http://ip:2380 pairs separated by commas']);
    expect(issues(cluster('10.0.0.10', '10.0.16.10'))).toEqual(['etcd.initialCluster: list one member per main node: groups.main.size is 3, initialCluster has 2']);
    expect(issues(cluster('10.0.0.10', '10.0.16.10', '10.0.0.10'))).toEqual(['etcd.initialCluster: address 10.0.0.10 is listed twice']);
    // 10.0.128.0/20 is a private subnet, the nodes run in the public ones; .1 is EC2's router.
    expect(issues(cluster('10.0.0.10', '10.0.16.1', '10.0.128.10'))).toEqual([
      'etcd.initialCluster: 10.0.16.1 (m1) is not a usable address of the public subnets the nodes run in (10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20)',
      'etcd.initialCluster: 10.0.128.10 (m2) is not a usable address of the public subnets the nodes run in (10.0.0.0/20, 10.0.16.0/20, 10.0.32.0/20)',
    ]);
  });

  it('checks CIDR blocks, subnets inside the VPC, zones and NAT for private nodes', () => {
    expect(issues({ sshCidr: '10.0.0.1/16' })).toEqual(['sshCidr: write an IPv4 CIDR block whose host bits are zero, such as 10.0.0.0/16']);
    expect(issues({ network: { publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24', '10.9.0.0/24'], privateSubnetCidrs: ['10.0.8.0/24', '10.0.9.0/24', '10.0.10.0/24'] } }))
      .toEqual(["network.publicSubnetCidrs.2: 10.9.0.0/24 is not inside the VPC's 10.0.0.0/16"]);
    expect(issues({ network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] } })).toEqual(['network.availabilityZones: list exactly three availability zones']);
    expect(issues({ network: { nodeSubnets: 'private' } })).toEqual(['network.nodeSubnets: nodes in private subnets need natGateway: true to reach the internet (images, discovery)']);
    expect(issues({ network: { vpcCidr: '10.0.0.0/26' } })).toEqual(['network.vpcCidr: use a /16 to /24 block, or list publicSubnetCidrs and privateSubnetCidrs yourself']);
    expect(issues({ servicePorts: [{ name: 'web', port: 80 }, { name: 'web', port: 8080 }] })).toEqual(["servicePorts.1.name: service port 'web' is listed twice"]);
    expect(issues({ tags: { 'aws:x': 'y' } })).toEqual(['tags.aws:x: tag keys starting with aws: are reserved']);
  });

  it('says how to configure AWS when an environment has no aws section', () => {
    expect(() => awsConfigOf('local', { aws: undefined })).toThrow(ConfigError);
    expect(() => awsConfigOf('local', undefined)).toThrow(/^AWS is not configured for local: add `environments\.local\.aws` to the config .* default credentials \(AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role\)/);
  });
});

describe('CIDR arithmetic', () => {
  it('parses, refuses host bits, contains and cuts', () => {
    expect(parseCidr('10.1.0.0/16')).toEqual({ base: 0x0a010000, prefix: 16 });
    expect(parseCidr('10.1.0.1/16')).toBeUndefined();
    expect(parseCidr('10.256.0.0/16')).toBeUndefined();
    expect(cidrContains('10.1.0.0/16', '10.1.255.0/24')).toBe(true);
    expect(cidrContains('10.1.0.0/16', '10.2.0.0/24')).toBe(false);
    expect(cidrContains('10.1.0.0/24', '10.1.0.0/16')).toBe(false);
    expect(subnetOf('10.1.0.0/16', 20, 15)).toBe('10.1.240.0/20');
    expect(() => subnetOf('10.1.0.0/16', 20, 16)).toThrow(/no \/20 block number 16/);
  });
});
