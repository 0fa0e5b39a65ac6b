import type { Val } from './intrinsics.js';
import type { ResourceDef } from './template.js';

/** Typed builder for AWS::AutoScaling::AutoScalingGroup (the properties devbot sets) and its update policy. */

export interface AutoScalingGroupProps {
  /** CloudFormation's specification types the sizes as strings. */
  MinSize: string;
  MaxSize: string;
  DesiredCapacity: string;
  VPCZoneIdentifier: Array<Val<string>>;
  LaunchTemplate: { LaunchTemplateId: Val<string>; Version: Val<string> };
  HealthCheckType: 'EC2' | 'ELB';
  HealthCheckGracePeriod: number;
  MetricsCollection: Array<{ Granularity: '1Minute'; Metrics?: string[] }>;
  Tags: Array<{ Key: string; Value: string; PropagateAtLaunch: boolean }>;
}

export interface RollingUpdate {
  MaxBatchSize: number;
  MinInstancesInService: number;
  /** ISO 8601 duration, e.g. PT5M. */
  PauseTime: string;
}

/** `rolling`: a new launch template version replaces the instances a batch at a time, never all at once. */
export const autoScalingGroup = (p: AutoScalingGroupProps, rolling?: RollingUpdate): ResourceDef => ({
  type: 'AWS::AutoScaling::AutoScalingGroup',
  properties: p,
  ...(rolling ? { updatePolicy: { AutoScalingRollingUpdate: rolling } } : {}),
});
