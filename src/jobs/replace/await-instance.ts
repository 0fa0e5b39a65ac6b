import type { Groups, ScalingActivity } from '../../ports/groups.js';
import type { Instances } from '../../ports/instances.js';
import type { MachineReplacePlan } from './plan-machine-replace.js';
import { inWords, pollUntil, type Look, type PollOptions } from './poll-until.js';

export interface NewInstance {
  id: string;
  privateIp: string;
  zone: string;
}

const FAILED = new Set(['Failed', 'Cancelled']);

/**
 * Follows the group's scaling activities (each new one logged once) and instances until a new one
 * (not in the group when planned) is InService with a private IP. A failed launch is logged and
 * waited past: the group tries again by itself.
 */
export async function awaitNewInstance(plan: MachineReplacePlan, ports: { instances: Instances; groups: Groups }, since: number, o: Omit<PollOptions, 'timedOut'>): Promise<NewInstance> {
  const seen = new Set<string>();
  let lastFailure = '';
  const followActivities = async () => {
    const activities = await ports.groups.recentActivities(plan.groupName, 10, { signal: o.signal }).catch((): ScalingActivity[] => []);
    for (const a of [...activities].reverse()) {
      const key = `${a.description}/${a.status}`;
      if (a.startedAt.getTime() < since - 60_000 || seen.has(key)) continue;
      seen.add(key);
      o.log(`${plan.groupName}: ${a.description} — ${a.status}${a.statusMessage ? ` (${a.statusMessage})` : ''}`);
      if (FAILED.has(a.status)) lastFailure = `; the group's last activity failed: ${a.description}${a.statusMessage ? ` (${a.statusMessage})` : ''}`;
    }
  };
  const look = async (): Promise<Look<NewInstance>> => {
    await followActivities();
    const now = await ports.instances.groupInstances(plan.stackName, plan.logicalId, { signal: o.signal });
    const fresh = now.filter((i) => !plan.groupInstanceIds.includes(i.id));
    const ready = fresh.find((i) => i.lifecycleState === 'InService' && i.privateIp);
    if (ready) return { done: { id: ready.id, privateIp: ready.privateIp!, zone: ready.zone } };
    const old = now.find((i) => i.id === plan.instanceId);
    const news = fresh.map((i) => `${i.id} ${i.lifecycleState}${i.privateIp ? ` at ${i.privateIp}` : ', no IP yet'}`);
    return { waiting: `${news.length ? `new instance ${news.join(', ')}` : 'no new instance launched yet'}; ${plan.instanceId} ${old ? old.lifecycleState : 'gone from the group'}${lastFailure}` };
  };
  return pollUntil(look, {
    ...o,
    timedOut: (last) =>
      `No replacement of ${plan.instanceId} came InService in ${plan.groupName} within ${inWords(o.timeoutMs)} (last seen: ${last}). ` +
      `${plan.instanceId} is terminated. Check the group's activity history in the EC2 console (launch template, AMI, instance quota, subnet capacity) and \`/dev machines\`; once a new instance is InService, the rest can be done by hand (fleet, \`/dev etcd replace\` for a main node).`,
  });
}
