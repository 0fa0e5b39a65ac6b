import type { Base64, Val } from './intrinsics.js';
import type { ResourceDef } from './template.js';

/** Typed builders for the AWS::EC2 resources the cluster uses (the properties devbot sets). */

export interface Tag {
  Key: string;
  Value: Val<string>;
}

export const vpc = (p: { CidrBlock: string; EnableDnsSupport: boolean; EnableDnsHostnames: boolean; Tags: Tag[] }): ResourceDef<'VpcId' | 'CidrBlock'> => ({
  type: 'AWS::EC2::VPC',
  properties: p,
});

export const internetGateway = (p: { Tags: Tag[] }): ResourceDef<'InternetGatewayId'> => ({ type: 'AWS::EC2::InternetGateway', properties: p });

export const gatewayAttachment = (p: { VpcId: Val<string>; InternetGatewayId: Val<string> }): ResourceDef => ({
  type: 'AWS::EC2::VPCGatewayAttachment',
  properties: p,
});

export const subnet = (p: {
  VpcId: Val<string>;
  CidrBlock: string;
  AvailabilityZone: Val<string>;
  MapPublicIpOnLaunch: boolean;
  Tags: Tag[];
}): ResourceDef<'SubnetId' | 'AvailabilityZone'> => ({ type: 'AWS::EC2::Subnet', properties: p });

export const routeTable = (p: { VpcId: Val<string>; Tags: Tag[] }): ResourceDef<'RouteTableId'> => ({ type: 'AWS::EC2::RouteTable', properties: p });

export const route = (
  p: { RouteTableId: Val<string>; DestinationCidrBlock: string } & ({ GatewayId: Val<string> } | { NatGatewayId: Val<string> }),
): ResourceDef => ({ type: 'AWS::EC2::Route', properties: p });

export const subnetRouteTableAssociation = (p: { SubnetId: Val<string>; RouteTableId: Val<string> }): ResourceDef<'Id'> => ({
  type: 'AWS::EC2::SubnetRouteTableAssociation',
  properties: p,
});

export const elasticIp = (p: { Domain: 'vpc'; Tags: Tag[] }): ResourceDef<'AllocationId' | 'PublicIp'> => ({ type: 'AWS::EC2::EIP', properties: p });

export const natGateway = (p: { SubnetId: Val<string>; AllocationId: Val<string>; Tags: Tag[] }): ResourceDef<'NatGatewayId'> => ({
  type: 'AWS::EC2::NatGateway',
  properties: p,
});

/** An ingress rule as EC2 takes it: a port range from a CIDR block or from another security group. */
export type IngressRule = {
  IpProtocol: 'tcp' | 'udp' | '-1';
  FromPort?: number;
  ToPort?: number;
  Description: string;
} & ({ CidrIp: string } | { SourceSecurityGroupId: Val<string> });

export const securityGroup = (p: { GroupDescription: string; VpcId: Val<string>; SecurityGroupIngress: IngressRule[]; Tags: Tag[] }): ResourceDef<'GroupId' | 'VpcId'> => ({
  type: 'AWS::EC2::SecurityGroup',
  properties: p,
});

/** A rule of its own, for rules that name their own group (inline they would be a circular reference). */
export const securityGroupIngress = (p: IngressRule & { GroupId: Val<string> }): ResourceDef => ({ type: 'AWS::EC2::SecurityGroupIngress', properties: p });

export interface LaunchTemplateData {
  ImageId: string;
  InstanceType: string;
  KeyName?: string;
  IamInstanceProfile?: { Name: string };
  SecurityGroupIds: Array<Val<string>>;
  UserData: Base64;
  BlockDeviceMappings: Array<{ DeviceName: string; Ebs: { VolumeSize: number; VolumeType: 'gp3'; Encrypted: boolean; DeleteOnTermination: boolean } }>;
  TagSpecifications: Array<{ ResourceType: 'instance' | 'volume'; Tags: Tag[] }>;
}

export const launchTemplate = (p: { LaunchTemplateData: LaunchTemplateData }): ResourceDef<'LatestVersionNumber' | 'DefaultVersionNumber'> => ({
  type: 'AWS::EC2::LaunchTemplate',
  properties: p,
});

/** A network interface of its own: it keeps its fixed private address while instances come and go. */
export const networkInterface = (p: { SubnetId: Val<string>; PrivateIpAddress: string; GroupSet: Array<Val<string>>; Description: string; Tags: Tag[] }): ResourceDef<'Id' | 'PrimaryPrivateIpAddress'> => ({
  type: 'AWS::EC2::NetworkInterface',
  properties: p,
});
