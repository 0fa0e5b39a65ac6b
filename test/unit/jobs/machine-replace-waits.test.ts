import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../../src/errors.js';
import { awaitNewInstance } from '../../../src/jobs/replace/await-instance.js';
import { awaitUnitsActive } from '../../../src/jobs/replace/await-units.js';
import type { MachineReplacePlan } from '../../../src/jobs/replace/plan-machine-replace.js';
import type { Groups } from '../../../src/ports/groups.js';
import type { GroupInstance, Instances } from '../../../src/ports/instances.js';
import type { Scheduler, UnitState } from '../../../src/ports/scheduler.js';

const plan: MachineReplacePlan = {
  stackName: 'devbot-prod', instanceId: 'i-old', privateIp: '10.0.1.21', zone: 'eu-west-1a', groupName: 'devbot-prod-WorkerGroup-X', logicalId: 'WorkerGroup', role: 'worker',
  machineId: 'a'.repeat(32), roleMetadata: 'worker', units: ['web.service'], groupInstanceIds: ['i-old', 'i-other'], plannedAt: 0,
};
const wait = (log: string[]) => ({ timeoutMs: 60, pollMs: 10, signal: new AbortController().signal, log: (l: string) => log.push(l) });

describe('the bounded waits of a machine replacement', () => {
  it('gives up on a replacement that never comes InService, saying what was seen (the failed launch) and what to check', async () => {
    const pending: GroupInstance = { id: 'i-new', zone: 'eu-west-1a', lifecycleState: 'Pending', healthStatus: 'Healthy', launchedAt: new Date() };
    const instances = { groupInstances: async () => [pending] } as unknown as Instances;
    const groups = { recentActivities: async () => [{ startedAt: new Date(), status: 'Failed', description: 'Launching a new EC2 instance', statusMessage: 'InsufficientInstanceCapacity' }] } as unknown as Groups;
    const log: string[] = [];
    const e = await awaitNewInstance(plan, { instances, groups }, Date.now(), wait(log)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RefusedError);
    expect((e as RefusedError).userFacing).toMatch(/^No replacement of i-old came InService in devbot-prod-WorkerGroup-X within 0 s \(last seen: new instance i-new Pending, no IP yet; i-old gone from the group; the group's last activity failed: Launching a new EC2 instance \(InsufficientInstanceCapacity\)\)\. i-old is terminated\. Check the group's activity history/);
    // Each activity and each change of what was seen is logged once, not once per poll.
    expect(log).toEqual(['devbot-prod-WorkerGroup-X: Launching a new EC2 instance — Failed (InsufficientInstanceCapacity)', expect.stringMatching(/^new instance i-new Pending/)]);
  });

  it('gives up on units that do not come back, naming them and where they stand', async () => {
    const states: UnitState[] = [{ name: 'web.service', hash: 'h', machineId: 'b'.repeat(32), loadState: 'loaded', activeState: 'failed', subState: 'failed' }];
    const scheduler = { states: async () => states } as unknown as Scheduler;
    const e = await awaitUnitsActive(['web.service'], plan.machineId, scheduler, wait([])).catch((x: unknown) => x);
    expect((e as RefusedError).userFacing).toMatch(/^Not every unit of the old machine is active again within 0 s: web\.service \(failed on bbbbbbbb\)\. Check `\/dev units list` and `\/dev logs <unit>`/);
  });
});
