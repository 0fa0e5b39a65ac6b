import { stringify } from 'yaml';

export const NODE_ROLES = ['main', 'worker', 'data'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

export interface CloudConfigInput {
  role: NodeRole;
  environment: string;
  etcd: { discoveryUrl?: string; initialCluster?: string };
}

/** How etcd finds its cluster: the discovery URL, or the static initial cluster. */
function bootstrap(etcd: CloudConfigInput['etcd']): Record<string, string> {
  if (etcd.discoveryUrl) return { discovery: etcd.discoveryUrl };
  if (etcd.initialCluster) return { 'initial-cluster': etcd.initialCluster, 'initial-cluster-state': 'new' };
  throw new Error('etcd needs a discovery URL or an initial cluster');
}

/**
 * The CoreOS cloud-config of a node. Main nodes are etcd members; worker and data nodes run etcd as
 * a local proxy (the ambassador fleet and containers talk to on 127.0.0.1). Every node runs fleet
 * with its role in the metadata, so units can be placed by role. `$private_ipv4` is filled in by
 * coreos-cloudinit on the instance.
 */
export function renderCloudConfig(input: CloudConfigInput): string {
  const member = input.role === 'main';
  const etcd2 = member
    ? {
        // With a static initial cluster the member names are the nodes' private addresses.
        ...(input.etcd.initialCluster ? { name: '$private_ipv4' } : {}),
        ...bootstrap(input.etcd),
        'advertise-client-urls': 'http://$private_ipv4:2379',
        'initial-advertise-peer-urls': 'http://$private_ipv4:2380',
        'listen-client-urls': 'http://0.0.0.0:2379',
        'listen-peer-urls': 'http://$private_ipv4:2380',
      }
    : { proxy: 'on', ...bootstrap(input.etcd), 'listen-client-urls': 'http://127.0.0.1:2379' };
  const config = {
    coreos: {
      etcd2,
      fleet: {
        'public-ip': '$private_ipv4',
        metadata: `role=${input.role},environment=${input.environment}`,
        ...(member ? {} : { 'etcd-servers': 'http://127.0.0.1:2379' }),
      },
      // Main nodes reboot for updates one at a time (etcd lock), so quorum survives an update.
      update: { 'reboot-strategy': member ? 'etcd-lock' : 'best-effort' },
      units: [
        { name: 'etcd2.service', command: 'start' },
        { name: 'fleet.service', command: 'start' },
      ],
    },
  };
  // Every string quoted: coreos-cloudinit reads YAML 1.1, where a bare `on` is a boolean.
  return `#cloud-config\n${stringify(config, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 })}`;
}
