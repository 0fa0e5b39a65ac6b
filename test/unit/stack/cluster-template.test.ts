import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildClusterTemplate, TEMPLATE_BODY_LIMIT, templateBody } from '../../../src/stack/cluster-template.js';
import type { CfnTemplate } from '../../../src/stack/template/template.js';
import { awsConfig, FULL_AWS } from './aws-fixture.js';

type Props = Record<string, unknown>;
const props = (t: CfnTemplate, id: string) => t.Resources[id]!.Properties as Props;
const ofType = (t: CfnTemplate, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const userData = (t: CfnTemplate, role: 'Main' | 'Worker' | 'Data') =>
  parse(((props(t, `${role}LaunchTemplate`)['LaunchTemplateData'] as Props)['UserData'] as { 'Fn::Base64': string })['Fn::Base64']) as { coreos: { etcd2: Props; fleet: Props } };
const ingress = (t: CfnTemplate, id: string) => props(t, id)['SecurityGroupIngress'] as Props[];

describe('the cluster template, from config', () => {
  const minimal = buildClusterTemplate('prod', awsConfig());
  const full = buildClusterTemplate('prod', awsConfig(FULL_AWS));

  it('puts a public and a private subnet in each of three availability zones', () => {
    const subnets = ofType(minimal, 'AWS::EC2::Subnet').map(([id, r]) => [id, (r.Properties as Props)['CidrBlock'], (r.Properties as Props)['AvailabilityZone']]);
    expect(subnets).toEqual([
      ['PublicSubnet1', '10.0.0.0/20', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
      ['PublicSubnet2', '10.0.16.0/20', { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }],
      ['PublicSubnet3', '10.0.32.0/20', { 'Fn::Select': [2, { 'Fn::GetAZs': '' }] }],
      ['PrivateSubnet1', '10.0.128.0/20', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
      ['PrivateSubnet2', '10.0.144.0/20', { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }],
      ['PrivateSubnet3', '10.0.160.0/20', { 'Fn::Select': [2, { 'Fn::GetAZs': '' }] }],
    ]);
    expect(ofType(full, 'AWS::EC2::Subnet').map(([, r]) => (r.Properties as Props)['AvailabilityZone'])).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  it('routes public subnets to the internet gateway, private ones through NAT only when configured', () => {
    expect(props(minimal, 'PublicInternetRoute')).toEqual({ RouteTableId: { Ref: 'PublicRouteTable' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'InternetGateway' } });
    expect(minimal.Resources['PublicInternetRoute']!.DependsOn).toEqual(['InternetGatewayAttachment']);
    expect(minimal.Resources['NatGateway']).toBeUndefined();
    expect(props(full, 'PrivateNatRoute')).toEqual({ RouteTableId: { Ref: 'PrivateRouteTable' }, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: { Ref: 'NatGateway' } });
    expect(ofType(minimal, 'AWS::EC2::SubnetRouteTableAssociation')).toHaveLength(6);
  });

  it('sizes the groups: main fixed, worker min/max/desired, data fixed by hand', () => {
    const size = (t: CfnTemplate, id: string) => [props(t, id)['MinSize'], props(t, id)['MaxSize'], props(t, id)['DesiredCapacity']];
    expect(size(minimal, 'MainGroup')).toEqual(['3', '3', '3']);
    expect(size(minimal, 'WorkerGroup')).toEqual(['0', '6', '2']);
    expect(size(minimal, 'DataGroup')).toEqual(['0', '0', '0']);
    expect(size(full, 'MainGroup')).toEqual(['5', '5', '5']);
    expect(size(full, 'WorkerGroup')).toEqual(['2', '12', '4']);
    expect(size(full, 'DataGroup')).toEqual(['3', '3', '3']);
    // etcd keeps quorum through a rolling replacement: one main node at a time.
    expect(full.Resources['MainGroup']!.UpdatePolicy).toEqual({ AutoScalingRollingUpdate: { MaxBatchSize: 1, MinInstancesInService: 4, PauseTime: 'PT5M' } });
    expect(minimal.Resources['DataGroup']!.UpdatePolicy).toBeUndefined();
    expect(props(full, 'MainGroup')['VPCZoneIdentifier']).toEqual([{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }, { Ref: 'PrivateSubnet3' }]);
    expect(props(minimal, 'MainGroup')['VPCZoneIdentifier']).toEqual([{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }, { Ref: 'PublicSubnet3' }]);
  });

  it('gives each role its cloud-config: main nodes are etcd members, the others run an etcd proxy', () => {
    const main = userData(minimal, 'Main');
    expect(main.coreos.etcd2).toMatchObject({ discovery: 'https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579', 'listen-peer-urls': 'http://$private_ipv4:2380' });
    expect(main.coreos.etcd2['proxy']).toBeUndefined();
    expect(main.coreos.fleet['metadata']).toBe('role=main,environment=prod');
    const worker = userData(minimal, 'Worker');
    expect(worker.coreos.etcd2).toEqual({ proxy: 'on', discovery: 'https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579', 'listen-client-urls': 'http://127.0.0.1:2379' });
    expect(worker.coreos.fleet).toMatchObject({ metadata: 'role=worker,environment=prod', 'etcd-servers': 'http://127.0.0.1:2379' });
    expect(userData(minimal, 'Data').coreos.fleet['metadata']).toBe('role=data,environment=prod');
    expect(userData(full, 'Main').coreos.etcd2).toMatchObject({ name: '$private_ipv4', 'initial-cluster': FULL_AWS.etcd.initialCluster, 'initial-cluster-state': 'new' });
    expect(userData(full, 'Worker').coreos.etcd2).toMatchObject({ proxy: 'on', 'initial-cluster': FULL_AWS.etcd.initialCluster });
  });

  it('opens etcd client to every node, etcd peer between main nodes, SSH from the allowed CIDR, and the service ports', () => {
    expect(ingress(minimal, 'EtcdSecurityGroup')).toEqual([{ IpProtocol: 'tcp', FromPort: 2379, ToPort: 2379, SourceSecurityGroupId: { 'Fn::GetAtt': ['FleetSecurityGroup', 'GroupId'] }, Description: 'etcd clients (every node, through its proxy)' }]);
    expect(props(minimal, 'EtcdPeerFromEtcd')).toMatchObject({ GroupId: { 'Fn::GetAtt': ['EtcdSecurityGroup', 'GroupId'] }, FromPort: 2380, SourceSecurityGroupId: { 'Fn::GetAtt': ['EtcdSecurityGroup', 'GroupId'] } });
    expect(props(minimal, 'FleetFromFleet')).toMatchObject({ IpProtocol: '-1', SourceSecurityGroupId: { 'Fn::GetAtt': ['FleetSecurityGroup', 'GroupId'] } });
    expect(ingress(minimal, 'SshSecurityGroup')).toEqual([{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '203.0.113.0/24', Description: 'SSH' }]);
    expect(ingress(full, 'ServicesSecurityGroup')).toEqual([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'https' },
      { IpProtocol: 'udp', FromPort: 53, ToPort: 53, CidrIp: '10.0.0.0/8', Description: 'dns' },
      { IpProtocol: 'tcp', FromPort: 30000, ToPort: 30100, CidrIp: '0.0.0.0/0', Description: 'range' },
    ]);
    const groupsOf = (role: string) => ((props(minimal, `${role}LaunchTemplate`)['LaunchTemplateData'] as Props)['SecurityGroupIds'] as Array<{ 'Fn::GetAtt': [string, string] }>).map((g) => g['Fn::GetAtt'][0]);
    expect(groupsOf('Main')).toEqual(['FleetSecurityGroup', 'SshSecurityGroup', 'ServicesSecurityGroup', 'EtcdSecurityGroup']);
    expect(groupsOf('Worker')).toEqual(['FleetSecurityGroup', 'SshSecurityGroup', 'ServicesSecurityGroup']);
  });

  it('carries image, instance type, key, profile and disk into the launch templates', () => {
    expect(props(full, 'MainLaunchTemplate')['LaunchTemplateData']).toMatchObject({
      ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', KeyName: 'ops', IamInstanceProfile: { Name: 'devbot-node' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
    });
    expect((props(full, 'DataLaunchTemplate')['LaunchTemplateData'] as Props)['BlockDeviceMappings']).toMatchObject([{ Ebs: { VolumeSize: 500 } }]);
    expect(props(minimal, 'MainLaunchTemplate')['LaunchTemplateData']).not.toHaveProperty('KeyName');
  });

  it('tags resources with the stack name and role, and outputs what the status report and operators need', () => {
    expect(props(full, 'Vpc')['Tags']).toEqual([{ Key: 'Name', Value: 'cluster-prod-vpc' }]);
    expect(props(minimal, 'WorkerGroup')['Tags']).toEqual([{ Key: 'Name', Value: 'devbot-prod-worker', PropagateAtLaunch: false }, { Key: 'devbot:role', Value: 'worker', PropagateAtLaunch: false }]);
    expect(Object.keys(minimal.Outputs)).toEqual(['VpcId', 'PublicSubnetIds', 'PrivateSubnetIds', 'FleetSecurityGroupId', 'MainGroupName', 'WorkerGroupName', 'DataGroupName']);
    expect(minimal.Outputs['MainGroupName']!.Value).toEqual({ Ref: 'MainGroup' });
  });

  it('is deterministic and fits in an inline TemplateBody', () => {
    expect(templateBody(buildClusterTemplate('prod', awsConfig(FULL_AWS)))).toBe(templateBody(full));
    expect(templateBody(full).length).toBeLessThan(TEMPLATE_BODY_LIMIT / 2);
    expect(templateBody(buildClusterTemplate('staging', awsConfig()))).not.toBe(templateBody(minimal));
  });
});
