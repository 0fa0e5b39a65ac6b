import { DescribeAutoScalingGroupsCommand, TerminateInstanceInAutoScalingGroupCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeSubnetsCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { UpstreamError } from '../../errors.js';
import type { GroupInstance, Instances, StackInstance } from '../../ports/instances.js';
import { cidrContains } from '../../stack/cidr.js';
import { translateAwsError } from './aws-errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './with-retry.js';

const STACK_TAG = 'tag:aws:cloudformation:stack-name';
const LOGICAL_ID_TAG = 'aws:cloudformation:logical-id';

/**
 * The Instances port over EC2 and Auto Scaling. The stack's groups and subnets are found by the
 * tags CloudFormation puts on what it creates, as the Groups adapter finds groups.
 */
export function createAwsInstances(clients: { ec2: EC2Client; autoscaling: AutoScalingClient }, retry: Partial<RetryPolicy> = {}): Instances {
  const { ec2, autoscaling } = clients;
  const policy = { ...DEFAULT_RETRY, ...retry };
  const call = <T>(service: 'ec2' | 'autoscaling', what: string, fn: (abortSignal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> =>
    withRetry(fn, policy, signal).catch((e: unknown) => {
      throw translateAwsError(e, service, what);
    });

  /** Every instance matching the request, all pages. */
  async function describeInstances(what: string, input: { Filters?: Array<{ Name: string; Values: string[] }>; InstanceIds?: string[] }, signal?: AbortSignal): Promise<Instance[]> {
    const found: Instance[] = [];
    let next: string | undefined;
    do {
      const token = next;
      const out = await call('ec2', what, (abortSignal) => ec2.send(new DescribeInstancesCommand({ ...input, NextToken: token }), { abortSignal }), signal);
      for (const r of out.Reservations ?? []) found.push(...(r.Instances ?? []));
      next = out.NextToken;
    } while (next);
    return found;
  }

  return {
    async zoneOf(stackName, privateIp, opts) {
      const instances = await describeInstances(`while looking for the instance with IP ${privateIp}`, { Filters: [{ Name: 'private-ip-address', Values: [privateIp] }] }, opts?.signal);
      const newest = instances.sort((a, b) => (b.LaunchTime?.getTime() ?? 0) - (a.LaunchTime?.getTime() ?? 0))[0];
      if (newest?.Placement?.AvailabilityZone) return newest.Placement.AvailabilityZone;
      // A machine terminated long enough ago is gone from EC2's list; its subnet still says where it was.
      const out = await call('ec2', `while reading the subnets of ${stackName}`, (abortSignal) =>
        ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: STACK_TAG, Values: [stackName] }] }), { abortSignal }), opts?.signal);
      return (out.Subnets ?? []).find((s) => s.CidrBlock && cidrContains(s.CidrBlock, `${privateIp}/32`))?.AvailabilityZone;
    },

    async groupInstances(stackName, logicalId, opts) {
      const out = await call('autoscaling', `while looking for ${logicalId} of ${stackName}`, (abortSignal) =>
        autoscaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: STACK_TAG, Values: [stackName] }] }), { abortSignal }), opts?.signal);
      const group = (out.AutoScalingGroups ?? []).find((g) => g.Tags?.some((t) => t.Key === LOGICAL_ID_TAG && t.Value === logicalId));
      if (!group) {
        throw new UpstreamError(`The stack ${stackName} has no autoscaling group ${logicalId} (is the stack created? \`/dev status\`).`, { service: 'autoscaling', retryable: false });
      }
      const members = group.Instances ?? [];
      if (members.length === 0) return [];
      const details = await describeInstances(`while describing the instances of ${group.AutoScalingGroupName ?? logicalId}`, { InstanceIds: members.map((i) => i.InstanceId!).filter(Boolean) }, opts?.signal);
      const byId = new Map(details.map((d) => [d.InstanceId, d]));
      return members.map((m): GroupInstance => {
        const d = byId.get(m.InstanceId);
        return {
          id: m.InstanceId ?? '?',
          zone: m.AvailabilityZone ?? d?.Placement?.AvailabilityZone ?? '',
          ...(d?.PrivateIpAddress ? { privateIp: d.PrivateIpAddress } : {}),
          lifecycleState: m.LifecycleState ?? 'Unknown',
          healthStatus: m.HealthStatus ?? 'Unknown',
          launchedAt: d?.LaunchTime ?? new Date(0),
        };
      });
    },
    async stackInstances(stackName, opts) {
      const out = await call('autoscaling', `while listing the groups of ${stackName}`, (abortSignal) =>
        autoscaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: STACK_TAG, Values: [stackName] }] }), { abortSignal }), opts?.signal);
      const groupOf = new Map<string, NonNullable<StackInstance['group']>>();
      for (const g of out.AutoScalingGroups ?? []) {
        const logicalId = g.Tags?.find((t) => t.Key === LOGICAL_ID_TAG)?.Value ?? '';
        for (const i of g.Instances ?? []) {
          if (i.InstanceId) groupOf.set(i.InstanceId, { name: g.AutoScalingGroupName ?? '?', logicalId, lifecycleState: i.LifecycleState ?? 'Unknown', healthStatus: i.HealthStatus ?? 'Unknown' });
        }
      }
      const live = ['pending', 'running', 'stopping', 'stopped'];
      const found = await describeInstances(`while listing the instances of ${stackName}`, { Filters: [{ Name: STACK_TAG, Values: [stackName] }, { Name: 'instance-state-name', Values: live }] }, opts?.signal);
      return found.map((d): StackInstance => {
        const group = groupOf.get(d.InstanceId ?? '');
        const addresses = addressesOf(d);
        return {
          id: d.InstanceId ?? '?',
          zone: d.Placement?.AvailabilityZone ?? '',
          ...(d.PrivateIpAddress ? { privateIp: d.PrivateIpAddress } : {}),
          state: d.State?.Name ?? 'unknown',
          ...(addresses.length ? { addresses } : {}),
          launchedAt: d.LaunchTime ?? new Date(0),
          ...(group ? { group } : {}),
        };
      });
    },
    async terminateInGroup(instanceId, opts) {
      const out = await call('autoscaling', `while terminating ${instanceId} in its autoscaling group`, (abortSignal) =>
        autoscaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: false }), { abortSignal }), opts?.signal);
      return { activity: out.Activity?.Description ?? `Terminating EC2 instance: ${instanceId}` };
    },
  };
}

/** The private addresses of every interface of `d`, its primary address first, each once. */
function addressesOf(d: Instance): string[] {
  const all = [d.PrivateIpAddress, ...(d.NetworkInterfaces ?? []).flatMap((n) => [n.PrivateIpAddress, ...(n.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress)])];
  return [...new Set(all.filter((a): a is string => Boolean(a)))];
}
