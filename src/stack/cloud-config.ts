import { Document, visit } from 'yaml';
import { ambassadorUnit, mainNodeUnits, NODE_PATHS, type EtcdUnit } from './etcd-units.js';
import { clientUrlsOf, initialClusterOf, type MainMember } from './main-members.js';
import { renderNodeScript } from './node-script.js';

export const NODE_ROLES = ['main', 'worker', 'data'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** The AWS CLI main nodes run (in Docker) to claim their member's network interface. */
export const AWS_CLI_IMAGE = 'amazon/aws-cli:2.15.0';

export interface CloudConfigInput {
  role: NodeRole;
  environment: string;
  stackName: string;
  members: MainMember[];
  etcd: { image: string; discoveryUrl?: string | undefined };
}

/** The main node's boot scripts, as cloud-config files. */
function mainNodeFiles(input: CloudConfigInput) {
  const join = renderNodeScript('etcd-join', {
    CLUSTER_MEMBERS: initialClusterOf(input.members),
    // Each stack its own token, so members of two clusters never mistake each other.
    CLUSTER_TOKEN: input.stackName,
    CLUSTER_DISCOVERY: input.etcd.discoveryUrl ?? '',
    ETCD_IMAGE: input.etcd.image,
  });
  const address = renderNodeScript('etcd-address', { STACK_NAME: input.stackName, AWS_CLI_IMAGE });
  return [
    { path: NODE_PATHS.addressScript, permissions: '0755', content: address },
    { path: NODE_PATHS.joinScript, permissions: '0755', content: join },
  ];
}

const unitEntry = (u: EtcdUnit) => ({ name: u.name, ...(u.start ? { command: 'start' } : {}), content: u.content });

/**
 * The cloud-config of a node (coreos-cloudinit reads it at every boot, on CoreOS and on Flatcar).
 * Main nodes run an etcd v3 member at a fixed address (see etcd-address.sh and etcd-join.sh);
 * worker and data nodes run a v3 ambassador on 127.0.0.1:2379. fleet everywhere, with its role in
 * the metadata so units can be placed by role, reaches etcd's v2 API at the members' fixed
 * addresses (fleet speaks v2, which grpc-proxy does not serve), as does locksmith.
 * `$private_ipv4` is filled in by coreos-cloudinit on the instance.
 */
export function renderCloudConfig(input: CloudConfigInput): string {
  const member = input.role === 'main';
  const clientUrls = clientUrlsOf(input.members);
  const units = member ? mainNodeUnits(input.etcd.image) : [ambassadorUnit(input.etcd.image, clientUrls)];
  const config = {
    ...(member ? { write_files: mainNodeFiles(input) } : {}),
    coreos: {
      fleet: {
        'public-ip': '$private_ipv4',
        metadata: `role=${input.role},environment=${input.environment}`,
        'etcd-servers': clientUrls,
      },
      locksmith: { endpoint: clientUrls },
      // Main nodes reboot for updates one at a time (etcd lock), so quorum survives an update.
      update: { 'reboot-strategy': member ? 'etcd-lock' : 'best-effort' },
      units: [...units.map(unitEntry), { name: 'fleet.service', command: 'start' }],
    },
  };
  const doc = new Document(config);
  // Files and units as literal blocks, so the user data reads like the files it writes.
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && node.value.includes('\n')) node.type = 'BLOCK_LITERAL';
    },
  });
  // Other strings quoted: coreos-cloudinit reads YAML 1.1, where a bare `on` is a boolean.
  return `#cloud-config\n${doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 })}`;
}
