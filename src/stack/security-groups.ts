import type { AwsConfig } from '../config/aws-schema.js';
import type { ServicePort } from './service-ports.js';
import * as ec2 from './template/ec2.js';
import type { Handle, TemplateBuilder } from './template/template.js';

export type GroupHandle = Handle<'GroupId' | 'VpcId'>;

export interface SecurityGroups {
  /** Every node: traffic between the nodes (containers, ambassadors, file replication). */
  fleet: GroupHandle;
  /** Main nodes: etcd clients from every node, etcd peers from each other. */
  etcd: GroupHandle;
  ssh: GroupHandle;
  /** The service ports (the catalog's exposed services and the configured ones), on every node. */
  services: GroupHandle;
}

/**
 * The cluster's security groups. The etcd rules are spelt out even though the fleet group lets
 * nodes talk freely, so they stay right if the fleet group is ever narrowed.
 */
export function addSecurityGroups(t: TemplateBuilder, vpcId: Handle<'VpcId' | 'CidrBlock'>, inputs: { aws: AwsConfig; servicePorts: ServicePort[] }, tag: (name: string) => ec2.Tag[]): SecurityGroups {
  const { aws, servicePorts } = inputs;
  const group = (id: string, description: string, ingress: ec2.IngressRule[], name: string) =>
    t.add(id, ec2.securityGroup({ GroupDescription: description, VpcId: vpcId.ref, SecurityGroupIngress: ingress, Tags: tag(name) }));

  const fleet = group('FleetSecurityGroup', 'devbot cluster nodes: traffic between nodes', [], 'fleet');
  t.add('FleetFromFleet', ec2.securityGroupIngress({ GroupId: fleet.getAtt('GroupId'), IpProtocol: '-1', SourceSecurityGroupId: fleet.getAtt('GroupId'), Description: 'any traffic between cluster nodes' }));

  const etcd = group('EtcdSecurityGroup', 'devbot main nodes: etcd client and peer ports', [
    { IpProtocol: 'tcp', FromPort: 2379, ToPort: 2379, SourceSecurityGroupId: fleet.getAtt('GroupId'), Description: 'etcd clients (every node, through its proxy)' },
  ], 'etcd');
  t.add('EtcdPeerFromEtcd', ec2.securityGroupIngress({ GroupId: etcd.getAtt('GroupId'), IpProtocol: 'tcp', FromPort: 2380, ToPort: 2380, SourceSecurityGroupId: etcd.getAtt('GroupId'), Description: 'etcd peers (main nodes)' }));

  const ssh = group('SshSecurityGroup', 'devbot cluster nodes: SSH from the allowed network', [
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: aws.sshCidr, Description: 'SSH' },
  ], 'ssh');

  const services = group('ServicesSecurityGroup', 'devbot cluster nodes: service ports', servicePorts.map((p) => ({
    IpProtocol: p.protocol, FromPort: p.port, ToPort: p.toPort ?? p.port, CidrIp: p.cidr, Description: p.name,
  })), 'services');

  return { fleet, etcd, ssh, services };
}
