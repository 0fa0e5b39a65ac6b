import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createAwsGroups } from '../../../../src/adapters/aws/aws-groups.js';

describe('the Groups adapter over Auto Scaling', () => {
  const client = new AutoScalingClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
  const mock = mockClient(client);

  it("finds the stack's groups by CloudFormation's tag, counts instances in service and unhealthy, and reads activities", async () => {
    const instance = (LifecycleState: string, HealthStatus: string) => ({ InstanceId: 'i-1', AvailabilityZone: 'eu-west-1a', LifecycleState, HealthStatus, ProtectedFromScaleIn: false } as never);
    mock.on(DescribeAutoScalingGroupsCommand).resolvesOnce({
      AutoScalingGroups: [{ AutoScalingGroupName: 'devbot-prod-MainGroup-X', MinSize: 3, MaxSize: 3, DesiredCapacity: 3, Tags: [{ Key: 'aws:cloudformation:logical-id', Value: 'MainGroup' }],
        Instances: [instance('InService', 'Healthy'), instance('InService', 'Unhealthy'), instance('Pending', 'Healthy')] } as never],
      NextToken: 'n',
    }).resolvesOnce({ AutoScalingGroups: [{ AutoScalingGroupName: 'devbot-prod-WorkerGroup-Y', MinSize: 0, MaxSize: 6, DesiredCapacity: 0 } as never] });
    mock.on(DescribeScalingActivitiesCommand).resolves({ Activities: [{ ActivityId: 'a', AutoScalingGroupName: 'g', Cause: 'c', StartTime: new Date('2026-11-20T10:00:00Z'), StatusCode: 'Failed', StatusMessage: 'No capacity', Description: 'Launching a new EC2 instance', Progress: 100 }] });
    const groups = createAwsGroups(client);
    expect(await groups.listForStack('devbot-prod')).toEqual([
      { name: 'devbot-prod-MainGroup-X', logicalId: 'MainGroup', desired: 3, min: 3, max: 3, inService: 1, unhealthy: 1, other: 1, unhealthyInstances: ['i-1'] },
      { name: 'devbot-prod-WorkerGroup-Y', desired: 0, min: 0, max: 6, inService: 0, unhealthy: 0, other: 0 },
    ]);
    expect(mock.commandCalls(DescribeAutoScalingGroupsCommand)[0]!.args[0].input.Filters).toEqual([{ Name: 'tag:aws:cloudformation:stack-name', Values: ['devbot-prod'] }]);
    expect(await groups.recentActivities('g', 2)).toEqual([{ startedAt: new Date('2026-11-20T10:00:00Z'), status: 'Failed', description: 'Launching a new EC2 instance', statusMessage: 'No capacity' }]);
  });
});
