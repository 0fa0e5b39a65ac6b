/**
 * A small stateful EC2 + Auto Scaling, behind aws-sdk-client-mock: the instances, subnets and
 * groups of one stack, answering DescribeInstances (private-ip-address filter, InstanceIds, pages
 * of two; stack tag and instance-state-name filters), DescribeSubnets (stack tag filter) and DescribeAutoScalingGroups (stack tag filter) the
 * way AWS does. A terminated instance stays listed, with its IP, until `forget` (AWS drops it after
 * about an hour).
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client, type Filter } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';

/** `attached`: the addresses of further interfaces (a main node's etcd-member interface). */
interface FakeInstance { id: string; zone: string; ip: string; attached?: string[]; state: 'running' | 'terminated'; launchedAt: Date; group?: string; lifecycle: string }

const credentials = { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' };
const PAGE = 2;

export function createFakeEc2(stackName: string) {
  const ec2 = new EC2Client({ region: 'eu-west-1', credentials });
  const autoscaling = new AutoScalingClient({ region: 'eu-west-1', credentials });
  const instances = new Map<string, FakeInstance>();
  const subnets: Array<{ cidr: string; zone: string }> = [];
  const groups = new Map<string, { logicalId: string }>();
  const calls: string[] = [];
  const valuesOf = (filters: Filter[] | undefined, name: string) => filters?.find((f) => f.Name === name)?.Values;

  mockClient(ec2)
    .on(DescribeInstancesCommand).callsFake((input: { Filters?: Filter[]; InstanceIds?: string[]; NextToken?: string }) => {
      calls.push('DescribeInstances');
      const ips = valuesOf(input.Filters, 'private-ip-address');
      const stacks = valuesOf(input.Filters, 'tag:aws:cloudformation:stack-name');
      const states = valuesOf(input.Filters, 'instance-state-name');
      const all = [...instances.values()].filter((i) => (!ips || ips.includes(i.ip)) && (!input.InstanceIds || input.InstanceIds.includes(i.id))
        && (!stacks || stacks.includes(stackName)) && (!states || states.includes(i.state)));
      const from = Number(input.NextToken ?? 0);
      const page = all.slice(from, from + PAGE);
      return {
        Reservations: page.map((i) => ({ Instances: [{ InstanceId: i.id, Placement: { AvailabilityZone: i.zone }, PrivateIpAddress: i.ip, State: { Name: i.state }, LaunchTime: i.launchedAt,
          // As EC2 answers: one entry per interface, the primary (device 0) first, each with its addresses.
          NetworkInterfaces: [i.ip, ...(i.attached ?? [])].map((ip) => ({ PrivateIpAddress: ip, PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }] })) }] })),
        ...(from + PAGE < all.length ? { NextToken: String(from + PAGE) } : {}),
      };
    })
    .on(DescribeSubnetsCommand).callsFake((input: { Filters?: Filter[] }) => {
      calls.push('DescribeSubnets');
      const stacks = valuesOf(input.Filters, 'tag:aws:cloudformation:stack-name');
      return { Subnets: stacks?.includes(stackName) ? subnets.map((s) => ({ CidrBlock: s.cidr, AvailabilityZone: s.zone })) : [] };
    });
  mockClient(autoscaling).on(DescribeAutoScalingGroupsCommand).callsFake((input: { Filters?: Filter[] }) => {
    calls.push('DescribeAutoScalingGroups');
    if (!valuesOf(input.Filters, 'tag:aws:cloudformation:stack-name')?.includes(stackName)) return { AutoScalingGroups: [] };
    return {
      AutoScalingGroups: [...groups].map(([name, g]) => ({
        AutoScalingGroupName: name, MinSize: 3, MaxSize: 3, DesiredCapacity: 3, Tags: [{ Key: 'aws:cloudformation:logical-id', Value: g.logicalId }],
        Instances: [...instances.values()].filter((i) => i.group === name && i.state !== 'terminated')
          .map((i) => ({ InstanceId: i.id, AvailabilityZone: i.zone, LifecycleState: i.lifecycle, HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
      })),
    };
  });

  return {
    clients: { ec2, autoscaling },
    calls,
    addSubnet(cidr: string, zone: string) {
      subnets.push({ cidr, zone });
    },
    addGroup(name: string, logicalId: string) {
      groups.set(name, { logicalId });
    },
    launch(i: { id: string; zone: string; ip: string; attached?: string[]; launchedAt: Date; group?: string; lifecycle?: string }) {
      instances.set(i.id, { ...i, state: 'running', lifecycle: i.lifecycle ?? 'InService' });
    },
    /** The group lets go of it; EC2 still lists it as terminated, with its IP. */
    terminate(id: string) {
      instances.get(id)!.state = 'terminated';
    },
    /** EC2 no longer lists it at all (about an hour after it terminated). */
    forget(id: string) {
      instances.delete(id);
    },
  };
}
