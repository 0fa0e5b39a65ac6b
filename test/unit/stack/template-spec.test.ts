import { describe, expect, it } from 'vitest';
import { buildClusterTemplate } from '../../../src/stack/cluster-template.js';
import { awsConfig, FULL_AWS } from './aws-fixture.js';
import { cfnSpec, validateTemplate } from './cfn-spec-validator.js';

/**
 * Every template devbot generates is checked against CloudFormation's resource specification
 * (@aws-cdk/cfnspec): types, properties, required properties, value types, Ref / GetAtt /
 * DependsOn targets, no cycles.
 */
describe('generated templates against the CloudFormation resource specification', () => {
  const variants: Array<[string, Record<string, unknown>]> = [
    ['minimal config (defaults)', {}],
    ['everything on: NAT, private nodes, named zones, configured etcd members, key, profile, ports', FULL_AWS],
    ['largest main group, empty data group', { groups: { main: { size: 9 }, data: { size: 0 } } }],
    ['a /24 VPC cut into /28 subnets', { network: { vpcCidr: '192.168.7.0/24' } }],
  ];

  it.each(variants)('%s: every type, property, Ref, GetAtt and DependsOn checks out', (_name, extra) => {
    const template = buildClusterTemplate('prod', awsConfig(extra));
    expect(validateTemplate(template)).toEqual([]);
    // Every resource type really is in the spec (not merely unchecked).
    for (const r of Object.values(template.Resources)) expect(cfnSpec().ResourceTypes[r.Type], r.Type).toBeDefined();
  });

  it('uses the resource types the cluster needs', () => {
    const types = new Set(Object.values(buildClusterTemplate('prod', awsConfig({ network: { natGateway: true } })).Resources).map((r) => r.Type));
    expect([...types].sort()).toEqual([
      'AWS::AutoScaling::AutoScalingGroup', 'AWS::EC2::EIP', 'AWS::EC2::InternetGateway', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::NatGateway',
      'AWS::EC2::NetworkInterface', 'AWS::EC2::Route', 'AWS::EC2::RouteTable', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::Subnet',
      'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::VPC', 'AWS::EC2::VPCGatewayAttachment',
    ]);
  });

  describe('the validator catches what CloudFormation would reject', () => {
    const base = () => structuredClone(buildClusterTemplate('prod', awsConfig())) as unknown as { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>; Outputs: Record<string, { Value: unknown }> };

    it('an unknown property, a wrong value type, and a missing required property', () => {
      const t = base();
      t.Resources['Vpc']!.Properties['CidrBlok'] = '10.0.0.0/16';
      t.Resources['MainGroup']!.Properties['HealthCheckGracePeriod'] = 'five minutes';
      delete t.Resources['MainLaunchTemplate']!.Properties['LaunchTemplateData'];
      (t.Resources['MainGroup']!.Properties['Tags'] as Array<Record<string, unknown>>)[0]!['PropagateAtLaunch'] = undefined;
      expect(validateTemplate(t)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^Resources\.Vpc\.Properties\.CidrBlok: no such property/),
        'Resources.MainGroup.Properties.HealthCheckGracePeriod: expected Integer, got "five minutes"',
        'Resources.MainLaunchTemplate.Properties.LaunchTemplateData: required property missing',
      ]));
    });

    it('an unknown nested property and an unknown resource type', () => {
      const t = base();
      const data = t.Resources['WorkerLaunchTemplate']!.Properties['LaunchTemplateData'] as Record<string, unknown>;
      data['InstanceTipe'] = 't3.micro';
      t.Resources['Extra'] = { Type: 'AWS::EC2::Vpc', Properties: {} };
      expect(validateTemplate(t)).toEqual(expect.arrayContaining([
        expect.stringMatching(/^Resources\.WorkerLaunchTemplate\.Properties\.LaunchTemplateData\.InstanceTipe: no such property/),
        'Resources.Extra.Type: unknown resource type AWS::EC2::Vpc',
      ]));
    });

    it('dangling Ref, GetAtt of a missing attribute, DependsOn to nothing, and a cycle', () => {
      const t = base();
      t.Resources['PublicSubnet1']!.Properties['VpcId'] = { Ref: 'Vpcc' };
      t.Resources['MainGroup']!.Properties['LaunchTemplate'] = { LaunchTemplateId: { Ref: 'MainLaunchTemplate' }, Version: { 'Fn::GetAtt': ['MainLaunchTemplate', 'LatestVersion'] } };
      t.Resources['WorkerGroup']!.DependsOn = ['Nothing'];
      t.Resources['Vpc']!.Properties['CidrBlock'] = { 'Fn::GetAtt': ['PublicSubnet2', 'AvailabilityZone'] };
      expect(validateTemplate(t)).toEqual(expect.arrayContaining([
        "Resources.PublicSubnet1.Properties.VpcId: Ref to unknown 'Vpcc'",
        expect.stringMatching(/^Resources\.MainGroup\.Properties\.LaunchTemplate\.Version: AWS::EC2::LaunchTemplate has no attribute 'LatestVersion'/),
        "Resources.WorkerGroup.DependsOn: 'Nothing' is not another resource of the template",
        expect.stringMatching(/^Resources: circular dependency .*Vpc.*PublicSubnet2.*Vpc|^Resources: circular dependency .*PublicSubnet2.*Vpc.*PublicSubnet2/),
      ]));
    });
  });
});
