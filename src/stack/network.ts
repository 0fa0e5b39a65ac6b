import type { AwsConfig } from '../config/aws-schema.js';
import { parseCidr, subnetOf } from './cidr.js';
import { nthZone, type Val } from './template/intrinsics.js';
import * as ec2 from './template/ec2.js';
import type { Handle, TemplateBuilder } from './template/template.js';

export const ZONES = 3;

export interface Network {
  vpc: Handle<'VpcId' | 'CidrBlock'>;
  publicSubnets: Array<Handle<'SubnetId' | 'AvailabilityZone'>>;
  privateSubnets: Array<Handle<'SubnetId' | 'AvailabilityZone'>>;
  /** The route to the internet: nodes should not boot before it exists. */
  internetRoute: Handle;
}

/** The subnets of each kind: configured, or the VPC cut in 16 (public take blocks 0–2, private 8–10). */
export function subnetCidrs(network: Pick<AwsConfig['network'], 'vpcCidr' | 'publicSubnetCidrs' | 'privateSubnetCidrs'>): { public: string[]; private: string[] } {
  const vpcPrefix = parseCidr(network.vpcCidr)?.prefix ?? 16;
  const cut = (offset: number) => Array.from({ length: ZONES }, (_, i) => subnetOf(network.vpcCidr, vpcPrefix + 4, offset + i));
  return { public: network.publicSubnetCidrs ?? cut(0), private: network.privateSubnetCidrs ?? cut(8) };
}

/**
 * The VPC: three availability zones, each with a public subnet (routed to the internet gateway)
 * and a private one (routed through one NAT gateway when configured, else internal only).
 */
export function addNetwork(t: TemplateBuilder, network: AwsConfig['network'], tag: (name: string) => ec2.Tag[]): Network {
  const vpc = t.add('Vpc', ec2.vpc({ CidrBlock: network.vpcCidr, EnableDnsSupport: true, EnableDnsHostnames: true, Tags: tag('vpc') }));
  const igw = t.add('InternetGateway', ec2.internetGateway({ Tags: tag('igw') }));
  const attachment = t.add('InternetGatewayAttachment', ec2.gatewayAttachment({ VpcId: vpc.ref, InternetGatewayId: igw.ref }));
  const cidrs = subnetCidrs(network);
  const zone = (i: number): Val<string> => network.availabilityZones?.[i] ?? nthZone(i);

  const publicTable = t.add('PublicRouteTable', ec2.routeTable({ VpcId: vpc.ref, Tags: tag('public') }));
  const internetRoute = t.add('PublicInternetRoute', ec2.route({ RouteTableId: publicTable.ref, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.ref }), { dependsOn: [attachment] });
  const privateTable = t.add('PrivateRouteTable', ec2.routeTable({ VpcId: vpc.ref, Tags: tag('private') }));

  const subnets = (kind: 'Public' | 'Private', list: string[], table: Handle<'RouteTableId'>) =>
    list.map((cidr, i) => {
      const s = t.add(`${kind}Subnet${i + 1}`, ec2.subnet({ VpcId: vpc.ref, CidrBlock: cidr, AvailabilityZone: zone(i), MapPublicIpOnLaunch: kind === 'Public', Tags: tag(`${kind.toLowerCase()}-${i + 1}`) }));
      t.add(`${kind}Subnet${i + 1}RouteTable`, ec2.subnetRouteTableAssociation({ SubnetId: s.ref, RouteTableId: table.ref }));
      return s;
    });
  const publicSubnets = subnets('Public', cidrs.public, publicTable);
  const privateSubnets = subnets('Private', cidrs.private, privateTable);

  if (network.natGateway) {
    const eip = t.add('NatAddress', ec2.elasticIp({ Domain: 'vpc', Tags: tag('nat') }), { dependsOn: [attachment] });
    const nat = t.add('NatGateway', ec2.natGateway({ SubnetId: publicSubnets[0]!.ref, AllocationId: eip.getAtt('AllocationId'), Tags: tag('nat') }));
    t.add('PrivateNatRoute', ec2.route({ RouteTableId: privateTable.ref, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nat.ref }));
  }
  return { vpc, publicSubnets, privateSubnets, internetRoute };
}
