import { DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand, type AutoScalingClient, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { GroupView, Groups } from '../../ports/groups.js';
import { translateAwsError } from './aws-errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './with-retry.js';

function toGroup(g: AutoScalingGroup): GroupView {
  const instances = g.Instances ?? [];
  const sick = instances.filter((i) => i.HealthStatus === 'Unhealthy');
  const unhealthy = sick.length;
  const inService = instances.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy').length;
  const logicalId = g.Tags?.find((t) => t.Key === 'aws:cloudformation:logical-id')?.Value;
  return {
    name: g.AutoScalingGroupName ?? '?',
    ...(logicalId ? { logicalId } : {}),
    desired: g.DesiredCapacity ?? 0,
    min: g.MinSize ?? 0,
    max: g.MaxSize ?? 0,
    inService,
    unhealthy,
    other: instances.length - inService - unhealthy,
    ...(sick.length ? { unhealthyInstances: sick.map((i) => i.InstanceId ?? '?') } : {}),
  };
}

/** The Groups port over Auto Scaling. Groups are found by the tag CloudFormation puts on what it creates. */
export function createAwsGroups(client: AutoScalingClient, retry: Partial<RetryPolicy> = {}): Groups {
  const policy = { ...DEFAULT_RETRY, ...retry };
  const call = <T>(what: string, fn: (abortSignal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> =>
    withRetry(fn, policy, signal).catch((e: unknown) => {
      throw translateAwsError(e, 'autoscaling', what);
    });

  return {
    async listForStack(stackName, opts) {
      const groups: GroupView[] = [];
      let next: string | undefined;
      do {
        const token = next;
        const out = await call(`while listing the autoscaling groups of ${stackName}`, (abortSignal) =>
          client.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:aws:cloudformation:stack-name', Values: [stackName] }], NextToken: token }), { abortSignal }),
        opts?.signal);
        groups.push(...(out.AutoScalingGroups ?? []).map(toGroup));
        next = out.NextToken;
      } while (next);
      return groups;
    },

    async recentActivities(groupName, limit, opts) {
      const out = await call(`while reading the scaling activities of ${groupName}`, (abortSignal) =>
        client.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: groupName, MaxRecords: limit }), { abortSignal }),
      opts?.signal);
      return (out.Activities ?? []).slice(0, limit).map((a) => ({
        startedAt: a.StartTime ?? new Date(0),
        status: a.StatusCode ?? 'Unknown',
        description: a.Description ?? '',
        ...(a.StatusMessage ? { statusMessage: a.StatusMessage } : {}),
      }));
    },
  };
}
