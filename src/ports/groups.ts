import type { ReadOptions } from './stacks.js';

/**
 * The autoscaling groups of an environment's stack, as `/dev status` reports them. Every method
 * fails with UpstreamError('autoscaling') (or AwsNotConfiguredError) saying what to do.
 */

export interface GroupView {
  name: string;
  /** The group's logical id in the stack (MainGroup, WorkerGroup, DataGroup), when tagged. */
  logicalId?: string;
  desired: number;
  min: number;
  max: number;
  /** Instances InService and reported Healthy. */
  inService: number;
  /** Instances reported Unhealthy, whatever their lifecycle state. */
  unhealthy: number;
  /** Instances in any other lifecycle state (Pending, Terminating, Standby…). */
  other: number;
  /** The ids of the Unhealthy instances (what Replace machine replaces), when there are any. */
  unhealthyInstances?: string[];
}

export interface ScalingActivity {
  startedAt: Date;
  /** Successful, Failed, InProgress, Cancelled, WaitingForSpotInstanceId… */
  status: string;
  description: string;
  statusMessage?: string;
}

export interface Groups {
  /** The groups CloudFormation created for `stackName` (by their aws:cloudformation:stack-name tag). */
  listForStack(stackName: string, opts?: ReadOptions): Promise<GroupView[]>;
  /** The group's latest scaling activities, newest first. */
  recentActivities(groupName: string, limit: number, opts?: ReadOptions): Promise<ScalingActivity[]>;
}
