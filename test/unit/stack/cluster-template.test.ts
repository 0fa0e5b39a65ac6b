import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildClusterTemplate, TEMPLATE_BODY_LIMIT, templateBody } from '../../../src/stack/cluster-template.js';
import type { CfnTemplate } from '../../../src/stack/template/template.js';
import { awsConfig, FULL_AWS } from './aws-fixture.js';

type Props = Record<string, unknown>;
const props = (t: CfnTemplate, id: string) => t.Resources[id]!.Properties as Props;
const ofType = (t: CfnTemplate, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
interface CloudConfig {
  write_files?: Array<{ path: string; content: string }>;
  coreos: { etcd2?: Props; fleet: Props; units: Array<{ name: string; command?: string; content?: string }> };
}
const userDataText = (t: CfnTemplate, role: 'Main' | 'Worker' | 'Data') =>
  ((props(t, `${role}LaunchTemplate`)['LaunchTemplateData'] as Props)['UserData'] as { 'Fn::Base64': string })['Fn::Base64'];
const userData = (t: CfnTemplate, role: 'Main' | 'Worker' | 'Data') => parse(userDataText(t, role)) as CloudConfig;
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

  it('gives each role its cloud-config: main nodes run etcd v3 members at fixed addresses, the others a v3 ambassador; fleet reaches the members', () => {
    const urls = 'http://10.0.0.10:2379,http://10.0.16.10:2379,http://10.0.32.10:2379';
    const main = userData(minimal, 'Main');
    expect(main.coreos.etcd2).toBeUndefined();
    expect(main.coreos.units.map((u) => [u.name, u.command])).toEqual([
      ['etcd-address.service', undefined], ['etcd-join.service', 'start'], ['etcd-member.service', undefined], ['fleet.service', 'start'],
    ]);
    expect(main.write_files?.map((f) => f.path)).toEqual(['/opt/devbot/bin/etcd-address', '/opt/devbot/bin/etcd-join']);
    expect(main.coreos.fleet).toEqual({ 'public-ip': '$private_ipv4', metadata: 'role=main,environment=prod', 'etcd-servers': urls });
    const worker = userData(minimal, 'Worker');
    expect(worker.write_files).toBeUndefined();
    expect(worker.coreos.units.map((u) => u.name)).toEqual(['etcd-grpc-proxy.service', 'fleet.service']);
    expect(worker.coreos.fleet).toMatchObject({ metadata: 'role=worker,environment=prod', 'etcd-servers': urls });
    expect(userData(minimal, 'Data').coreos.fleet['metadata']).toBe('role=data,environment=prod');
    // Configured members keep their names and addresses.
    expect(userData(full, 'Worker').coreos.fleet['etcd-servers']).toBe('http://10.20.10.10:2379,http://10.20.11.10:2379,http://10.20.12.10:2379,http://10.20.10.11:2379,http://10.20.11.11:2379');
  });

  it('gives each etcd member a network interface of its own, with its fixed address, in its zone', () => {
    const interfaces = ofType(minimal, 'AWS::EC2::NetworkInterface').map(([id, r]) => [id, (r.Properties as Props)['SubnetId'], (r.Properties as Props)['PrivateIpAddress']]);
    expect(interfaces).toEqual([
      ['EtcdAddress1', { Ref: 'PublicSubnet1' }, '10.0.0.10'], ['EtcdAddress2', { Ref: 'PublicSubnet2' }, '10.0.16.10'], ['EtcdAddress3', { Ref: 'PublicSubnet3' }, '10.0.32.10'],
    ]);
    expect(props(minimal, 'EtcdAddress2')).toMatchObject({
      GroupSet: [{ 'Fn::GetAtt': ['FleetSecurityGroup', 'GroupId'] }, { 'Fn::GetAtt': ['EtcdSecurityGroup', 'GroupId'] }],
      Tags: [{ Key: 'Name', Value: 'devbot-prod-main-2' }, { Key: 'devbot:etcd-member', Value: 'main-2' }, { Key: 'devbot:stack', Value: 'devbot-prod' }],
    });
    // Five members in private subnets, as configured; nine derived ones: three per zone.
    expect(ofType(full, 'AWS::EC2::NetworkInterface').map(([, r]) => [(r.Properties as Props)['SubnetId'], (r.Properties as Props)['PrivateIpAddress']])).toEqual([
      [{ Ref: 'PrivateSubnet1' }, '10.20.10.10'], [{ Ref: 'PrivateSubnet2' }, '10.20.11.10'], [{ Ref: 'PrivateSubnet3' }, '10.20.12.10'],
      [{ Ref: 'PrivateSubnet1' }, '10.20.10.11'], [{ Ref: 'PrivateSubnet2' }, '10.20.11.11'],
    ]);
    const nine = buildClusterTemplate('prod', awsConfig({ groups: { main: { size: 9 } } }));
    expect(ofType(nine, 'AWS::EC2::NetworkInterface').map(([, r]) => (r.Properties as Props)['PrivateIpAddress'])).toEqual([
      '10.0.0.10', '10.0.16.10', '10.0.32.10', '10.0.0.11', '10.0.16.11', '10.0.32.11', '10.0.0.12', '10.0.16.12', '10.0.32.12',
    ]);
    expect(minimal.Outputs['EtcdClientUrls']!.Value).toBe('http://10.0.0.10:2379,http://10.0.16.10:2379,http://10.0.32.10:2379');
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
    expect(Object.keys(minimal.Outputs)).toEqual(['VpcId', 'PublicSubnetIds', 'PrivateSubnetIds', 'FleetSecurityGroupId', 'MainGroupName', 'WorkerGroupName', 'DataGroupName', 'EtcdClientUrls']);
    expect(minimal.Outputs['MainGroupName']!.Value).toEqual({ Ref: 'MainGroup' });
  });

  it('is deterministic, fits in an inline TemplateBody, and its user data in what EC2 takes', () => {
    expect(templateBody(buildClusterTemplate('prod', awsConfig(FULL_AWS)))).toBe(templateBody(full));
    // Room to grow: the main nodes' boot scripts are most of it.
    expect(templateBody(full).length).toBeLessThan(TEMPLATE_BODY_LIMIT * 0.6);
    // EC2 refuses user data over 16 KB (before base64).
    for (const role of ['Main', 'Worker', 'Data'] as const) expect(Buffer.byteLength(userDataText(full, role))).toBeLessThan(12_000);
    expect(templateBody(buildClusterTemplate('staging', awsConfig()))).not.toBe(templateBody(minimal));
  });
});
