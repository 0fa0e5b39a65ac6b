import type { AwsConfig } from '../config/aws-schema.js';
import { renderCloudConfig, type NodeRole } from './cloud-config.js';
import type { MainMember } from './main-members.js';
import type { Network } from './network.js';
import type { SecurityGroups } from './security-groups.js';
import { autoScalingGroup } from './template/autoscaling.js';
import * as ec2 from './template/ec2.js';
import { base64 } from './template/intrinsics.js';
import type { Handle, TemplateBuilder } from './template/template.js';

/** Logical id of each role's autoscaling group; the status report finds the groups by these. */
export const GROUP_LOGICAL_IDS: Record<NodeRole, string> = { main: 'MainGroup', worker: 'WorkerGroup', data: 'DataGroup' };

interface Sizes {
  min: number;
  max: number;
  desired: number;
}

/** Fixed for main (etcd) and data (resized by hand), elastic for workers. */
export function sizesOf(role: NodeRole, groups: AwsConfig['groups']): Sizes {
  if (role === 'worker') return { min: groups.worker.min, max: groups.worker.max, desired: groups.worker.desired };
  const size = groups[role].size;
  return { min: size, max: size, desired: size };
}

export interface NodeGroupContext {
  environment: string;
  stackName: string;
  aws: AwsConfig;
  network: Network;
  securityGroups: SecurityGroups;
  /** The main group's etcd members and their fixed addresses. */
  members: MainMember[];
}

/** One role's launch template (image, type, disk, security groups, cloud-config) and autoscaling group. */
export function addNodeGroup(t: TemplateBuilder, role: NodeRole, ctx: NodeGroupContext): Handle {
  const { aws, securityGroups: sg } = ctx;
  const group = aws.groups[role];
  const name = `${ctx.stackName}-${role}`;
  const tags = [{ Key: 'Name', Value: name }, { Key: 'devbot:role', Value: role }];
  // Services go wherever fleet places them (data nodes too: sftp, the app database), so every node opens their ports.
  const groupsOfRole = [sg.fleet, sg.ssh, sg.services, ...(role === 'main' ? [sg.etcd] : [])];
  const lt = t.add(`${GROUP_LOGICAL_IDS[role].replace(/Group$/, '')}LaunchTemplate`, ec2.launchTemplate({
    LaunchTemplateData: {
      ImageId: aws.imageId,
      InstanceType: group.instanceType,
      ...(aws.keyName ? { KeyName: aws.keyName } : {}),
      ...(aws.iamInstanceProfile ? { IamInstanceProfile: { Name: aws.iamInstanceProfile } } : {}),
      SecurityGroupIds: groupsOfRole.map((g) => g.getAtt('GroupId')),
      UserData: base64(renderCloudConfig({ role, environment: ctx.environment, stackName: ctx.stackName, members: ctx.members, etcd: aws.etcd })),
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: group.volumeSizeGb, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }],
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags }, { ResourceType: 'volume', Tags: tags }],
    },
  }));
  const sizes = sizesOf(role, aws.groups);
  const subnets = aws.network.nodeSubnets === 'public' ? ctx.network.publicSubnets : ctx.network.privateSubnets;
  return t.add(GROUP_LOGICAL_IDS[role], autoScalingGroup({
    MinSize: String(sizes.min),
    MaxSize: String(sizes.max),
    DesiredCapacity: String(sizes.desired),
    VPCZoneIdentifier: subnets.map((s) => s.ref),
    LaunchTemplate: { LaunchTemplateId: lt.ref, Version: lt.getAtt('LatestVersionNumber') },
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    MetricsCollection: [{ Granularity: '1Minute' }],
    Tags: tags.map((tag) => ({ ...tag, PropagateAtLaunch: false })),
  }, sizes.max === 0 ? undefined : {
    // One node at a time: on main, etcd keeps quorum while its members are replaced.
    MaxBatchSize: 1,
    MinInstancesInService: Math.max(0, sizes.desired - 1),
    PauseTime: role === 'main' ? 'PT5M' : 'PT2M',
  }), { dependsOn: [ctx.network.internetRoute] });
}
