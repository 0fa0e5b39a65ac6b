/**
 * EC2's DescribeInstances for the AWS HTTP fake (aws-http-fake.ts), in EC2's own Query dialect:
 * lists as `InstanceId.N` and `Filter.N.Value.M`, answers as `<reservationSet>` items. It lists the
 * groups' instances and the terminated ones EC2 still knows (aws-scaling-state.ts).
 */
import { el, NS, QueryError, type AwsHttpFake } from './aws-http-fake.js';

/** EC2's lists: `Prefix.1`, `Prefix.2`, … (no `.member`). */
function ec2List(form: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${prefix}.${i}`); i++) out.push(form.get(`${prefix}.${i}`)!);
  return out;
}

const EC2_STATE: Record<string, [number, string]> = { Pending: [0, 'pending'], InService: [16, 'running'], Standby: [16, 'running'], Terminating: [32, 'shutting-down'], Terminated: [48, 'terminated'] };

/** DescribeInstances over the groups' instances and the terminated ones EC2 still lists. */
export function describeInstances(fake: Pick<AwsHttpFake, 'groups' | 'scaling'>, form: URLSearchParams): string {
  const ids = ec2List(form, 'InstanceId');
  const filters: Array<{ name: string; values: string[] }> = [];
  for (let i = 1; form.has(`Filter.${i}.Name`); i++) filters.push({ name: form.get(`Filter.${i}.Name`)!, values: ec2List(form, `Filter.${i}.Value`) });
  const all = [
    ...fake.groups.flatMap((g) => g.instances.map((i) => ({ ...i, stackName: g.stackName, logicalId: g.logicalId, groupName: g.name }))),
    ...fake.scaling.terminated.map((i) => ({ ...i, logicalId: '', groupName: '' })),
  ];
  const stateOf = (lifecycle: string) => EC2_STATE[lifecycle.split(':')[0]!] ?? [16, 'running'];
  const valueOf = (i: (typeof all)[number], name: string): string | undefined => {
    if (name === 'tag:aws:cloudformation:stack-name') return i.stackName;
    if (name === 'private-ip-address') return i.privateIp;
    if (name === 'instance-state-name') return stateOf(i.lifecycle)[1];
    if (name === 'instance-id') return i.id;
    if (name === 'availability-zone') return i.zone;
    return undefined;
  };
  if (ids.length) {
    const unknown = ids.find((id) => !all.some((i) => i.id === id));
    if (unknown) throw new QueryError('InvalidInstanceID.NotFound', `The instance ID '${unknown}' does not exist`);
  }
  const matching = all.filter((i) => (!ids.length || ids.includes(i.id)) && filters.every((f) => f.values.includes(valueOf(i, f.name) ?? '\0')));
  const items = matching.map((i) => {
    const [code, name] = stateOf(i.lifecycle);
    const tags = [['aws:cloudformation:stack-name', i.stackName], ...(i.logicalId ? [['aws:cloudformation:logical-id', i.logicalId], ['aws:autoscaling:groupName', i.groupName]] : [])];
    return `<item><reservationId>r-${i.id.slice(2)}</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet><item>` +
      el('instanceId', i.id) + el('imageId', 'ami-0123456789abcdef0') + `<instanceState>${el('code', code)}${el('name', name)}</instanceState>` +
      el('privateIpAddress', i.privateIp) + el('instanceType', 't3.medium') + el('launchTime', i.launchedAt ?? new Date(0)) +
      `<placement>${el('availabilityZone', i.zone)}<tenancy>default</tenancy></placement>` +
      `<tagSet>${tags.map(([k, v]) => `<item>${el('key', k)}${el('value', v)}</item>`).join('')}</tagSet>` +
      '</item></instancesSet></item>';
  });
  return `<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse xmlns="${NS.ec2}"><requestId>${crypto.randomUUID()}</requestId><reservationSet>${items.join('')}</reservationSet></DescribeInstancesResponse>`;
}

