/**
 * The EC2 machines of an environment's stack, as a replacement needs them: where a lost machine
 * was, and which machines its autoscaling group runs now. Every method fails with
 * UpstreamError('ec2' | 'autoscaling') saying what AWS answered, or AwsNotConfiguredError.
 */
import type { ReadOptions } from './stacks.js';

export interface GroupInstance {
  id: string;
  /** Availability zone, e.g. eu-west-1b. */
  zone: string;
  /** Absent while EC2 has not given it one yet. */
  privateIp?: string;
  /** The group's lifecycle state: InService, Pending, Terminating… */
  lifecycleState: string;
  /** Healthy or Unhealthy, as the group judges it. */
  healthStatus: string;
  launchedAt: Date;
}

/** A running (or pending) instance of the stack, as `/dev machines` joins it with fleet's machines. */
export interface StackInstance {
  id: string;
  zone: string;
  privateIp?: string;
  /** EC2's state: pending, running, stopping… */
  state: string;
  /**
   * Every private address of its network interfaces, the primary first: a main node also holds its
   * etcd member's fixed address, on the interface it attached at boot (etcd-address.sh).
   */
  addresses?: string[];
  launchedAt: Date;
  /** The stack's autoscaling group it is in; absent for an instance no group of the stack holds. */
  group?: { name: string; logicalId: string; lifecycleState: string; healthStatus: string };
}

export interface Instances {
  /**
   * The zone of the machine that has, or had, this private IP: from EC2's instance list (which
   * keeps terminated instances for a while), else from the stack's subnet whose block holds the IP.
   * Undefined when neither knows it.
   */
  zoneOf(stackName: string, privateIp: string, opts?: ReadOptions): Promise<string | undefined>;
  /**
   * The instances of the stack's autoscaling group with this logical id (MainGroup…), with their
   * private IPs and launch times. Fails with UpstreamError('autoscaling', retryable: false) when the
   * stack has no such group.
   */
  groupInstances(stackName: string, logicalId: string, opts?: ReadOptions): Promise<GroupInstance[]>;
  /**
   * Every instance of the stack EC2 has not terminated (by CloudFormation's stack tag, which the
   * groups pass on to their instances), each with the group that holds it, if any.
   */
  stackInstances(stackName: string, opts?: ReadOptions): Promise<StackInstance[]>;
  /**
   * Terminates the instance through its autoscaling group without lowering the group's desired
   * capacity, so the group launches a replacement (TerminateInstanceInAutoScalingGroup with
   * ShouldDecrementDesiredCapacity=false). Resolves with AWS's description of the activity it
   * started. Fails with UpstreamError('autoscaling') saying what AWS answered (an instance no group
   * holds any more, no permission…); throttling is retried first.
   */
  terminateInGroup(instanceId: string, opts?: ReadOptions): Promise<{ activity: string }>;
}
