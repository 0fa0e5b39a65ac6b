import type { MainMember } from './main-members.js';
import type { SecurityGroups } from './security-groups.js';
import * as ec2 from './template/ec2.js';
import type { Handle, TemplateBuilder } from './template/template.js';

/** Tag naming the member an interface belongs to; etcd-address.sh looks interfaces up by it. */
export const MEMBER_TAG = 'devbot:etcd-member';
/** Tag naming the stack, so two clusters in one account never take each other's interfaces. */
export const STACK_TAG = 'devbot:stack';

/**
 * One network interface per etcd member, with the member's fixed private address, in the node
 * subnet of its zone. An autoscaling group cannot give an instance a fixed address, but an
 * interface outlives the instance it was attached to: when a main node is terminated its
 * interface falls free, and the node launched in its place attaches it at boot (etcd-address.sh).
 * Security groups: node-to-node traffic and etcd's ports, like the main nodes themselves.
 */
export function addMemberAddresses(
  t: TemplateBuilder,
  members: MainMember[],
  ctx: { stackName: string; subnets: Array<Handle<'SubnetId' | 'AvailabilityZone'>>; securityGroups: SecurityGroups },
): Array<Handle<'Id' | 'PrimaryPrivateIpAddress'>> {
  return members.map((m, i) => t.add(`EtcdAddress${i + 1}`, ec2.networkInterface({
    SubnetId: ctx.subnets[m.zone]!.ref,
    PrivateIpAddress: m.address,
    GroupSet: [ctx.securityGroups.fleet.getAtt('GroupId'), ctx.securityGroups.etcd.getAtt('GroupId')],
    Description: `etcd member ${m.name} of ${ctx.stackName}: attached by the main node that runs it`,
    Tags: [{ Key: 'Name', Value: `${ctx.stackName}-${m.name}` }, { Key: MEMBER_TAG, Value: m.name }, { Key: STACK_TAG, Value: ctx.stackName }],
  })));
}
