import { awsSchema, type AwsConfig } from '../../../src/config/aws-schema.js';

/** The smallest `aws` section devbot accepts: the rest comes from defaults. */
export const MINIMAL_AWS = {
  imageId: 'ami-0123456789abcdef0',
  sshCidr: '203.0.113.0/24',
  etcd: { discoveryUrl: 'https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579' },
};

/** An `aws` section as the config loader would produce it, from the minimal one plus `extra`. */
export function awsConfig(extra: Record<string, unknown> = {}): AwsConfig {
  return awsSchema.parse({ ...MINIMAL_AWS, ...extra });
}

/** Everything turned on: NAT, private nodes, named zones and subnets, static etcd, key, profile, ports, tags. */
export const FULL_AWS = {
  ...MINIMAL_AWS,
  region: 'eu-west-1',
  stackName: 'cluster-prod',
  keyName: 'ops',
  iamInstanceProfile: 'devbot-node',
  network: {
    vpcCidr: '10.20.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    publicSubnetCidrs: ['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24'],
    privateSubnetCidrs: ['10.20.10.0/24', '10.20.11.0/24', '10.20.12.0/24'],
    natGateway: true,
    nodeSubnets: 'private',
  },
  etcd: { initialCluster: ['10.20.10.10', '10.20.11.10', '10.20.12.10', '10.20.10.11', '10.20.11.11'].map((ip) => `${ip}=http://${ip}:2380`).join(',') },
  groups: { main: { size: 5, instanceType: 'm5.large' }, worker: { min: 2, max: 12, desired: 4 }, data: { size: 3, volumeSizeGb: 500 } },
  servicePorts: [{ name: 'https', port: 443 }, { name: 'dns', port: 53, protocol: 'udp', cidr: '10.0.0.0/8' }, { name: 'range', port: 30000, toPort: 30100 }],
  tags: { team: 'platform', cost: 'ops' },
};
