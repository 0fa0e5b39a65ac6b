/**
 * What an autoscaling group does over time, for the AWS HTTP fake (aws-http-fake.ts): an
 * instance terminated through its group goes Terminating, then terminated (EC2 keeps listing it);
 * unless the desired capacity was lowered, the group launches a replacement in the same zone with a
 * new private IP, Pending for a few polls, then InService; each change is a scaling activity.
 * Time is counted in DescribeAutoScalingGroups calls ("polls"), so a test decides how long
 * devbot waits without sleeping. Imports nothing from src/.
 */
import { randomBytes } from 'node:crypto';
import type { FakeGroupModel } from './aws-http-fake.js';

export type FakeGroupInstance = FakeGroupModel['instances'][number];

/** An instance EC2 still lists after its group let go of it, with the stack it was in. */
export interface TerminatedInstance extends FakeGroupInstance {
  stackName: string;
}

export interface ScalingOptions {
  /** Polls a new instance stays Pending before it is InService (default 2; 0: InService at once). */
  pendingPolls?: number;
  /** Polls a terminated instance stays Terminating before the group drops it (default 1). */
  terminatingPolls?: number;
  /** The new instance's private IP; default the next free address of 10.0.<zone>.0/24. */
  nextIp?(group: FakeGroupModel, zone: string): string;
  /** When a new instance goes InService: where a test makes fleet learn of the machine. */
  onInService?(instance: FakeGroupInstance, group: FakeGroupModel): void;
  /** When an instance is terminated: where a test makes fleet lose the machine. */
  onTerminate?(instance: FakeGroupInstance, group: FakeGroupModel): void;
}

export interface ScalingState {
  /** TerminateInstanceInAutoScalingGroup; throws ValidationError-like errors as AWS does. */
  terminate(instanceId: string, decrement: boolean): { description: string; cause: string; groupName: string };
  /** One DescribeAutoScalingGroups call went by: moves every transition one poll on. */
  poll(): void;
  /** Instances no group holds any more, newest last. */
  terminated: TerminatedInstance[];
}

export class ScalingRefusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export function createScalingState(groups: FakeGroupModel[], opts: ScalingOptions = {}): ScalingState {
  const pendingPolls = opts.pendingPolls ?? 2;
  const terminatingPolls = opts.terminatingPolls ?? 1;
  const terminated: TerminatedInstance[] = [];
  /** Per instance id: polls left before its next state, and what happens then. */
  const due = new Map<string, { left: number; then: () => void }>();
  const usedIps = () => new Set([...groups.flatMap((g) => g.instances), ...terminated].map((i) => i.privateIp).filter(Boolean));
  const defaultIp = (zone: string) => {
    const used = usedIps();
    const net = `10.0.${'abc'.indexOf(zone.slice(-1)) + 1}`;
    for (let host = 100; host < 255; host++) if (!used.has(`${net}.${host}`)) return `${net}.${host}`;
    throw new Error(`no free address left in ${net}.0/24`);
  };
  const activity = (g: FakeGroupModel, description: string, cause: string) => {
    const a = { description, cause, status: 'InProgress', startedAt: new Date() };
    g.activities = [a, ...(g.activities ?? [])];
    return a;
  };
  const after = (id: string, polls: number, then: () => void) => (polls <= 0 ? then() : due.set(id, { left: polls, then }));

  function launch(g: FakeGroupModel, zone: string, why: string) {
    const instance: FakeGroupInstance = { id: `i-0${randomBytes(8).toString('hex')}`, zone, lifecycle: 'Pending', health: 'Healthy', privateIp: opts.nextIp?.(g, zone) ?? defaultIp(zone), launchedAt: new Date() };
    g.instances.push(instance);
    const a = activity(g, `Launching a new EC2 instance: ${instance.id}`, `At ${new Date().toISOString()} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${g.instances.length - 1} to ${g.instances.length}. ${why}`);
    after(instance.id, pendingPolls, () => {
      instance.lifecycle = 'InService';
      a.status = 'Successful';
      opts.onInService?.(instance, g);
    });
  }

  return {
    terminated,
    terminate(instanceId, decrement) {
      const g = groups.find((x) => x.instances.some((i) => i.id === instanceId));
      const instance = g?.instances.find((i) => i.id === instanceId);
      if (!g || !instance) throw new ScalingRefusal('ValidationError', `Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
      if (instance.lifecycle.startsWith('Terminating')) throw new ScalingRefusal('ScalingActivityInProgress', `Instance ${instanceId} is already terminating.`);
      instance.lifecycle = 'Terminating';
      const cause = `At ${new Date().toISOString()} instance ${instanceId} was taken out of service in response to a user request${decrement ? ', shrinking the capacity' : ''}.`;
      const a = activity(g, `Terminating EC2 instance: ${instanceId}`, cause);
      if (decrement) g.desired -= 1;
      opts.onTerminate?.(instance, g);
      after(instanceId, terminatingPolls, () => {
        g.instances = g.instances.filter((i) => i !== instance);
        terminated.push({ ...instance, lifecycle: 'Terminated', stackName: g.stackName });
        a.status = 'Successful';
      });
      if (!decrement) launch(g, instance.zone, `${instanceId} was terminated.`);
      return { description: a.description, cause, groupName: g.name };
    },
    poll() {
      for (const [id, d] of [...due]) {
        if (--d.left > 0) continue;
        due.delete(id);
        d.then();
      }
    },
  };
}
