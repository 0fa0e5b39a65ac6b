/**
 * The replace job's crash safety with in-memory ports: a resumed job carries on from the step it
 * reached (its plan and results saved as the steps' values) and never terminates a second
 * instance; a run that lost its lock terminates nothing.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Deps } from '../../../src/deps.js';
import type { JobContext } from '../../../src/jobs/job-kind.js';
import { replaceJob } from '../../../src/jobs/replace.job.js';
import { silentLogger } from '../../../src/log.js';
import type { Groups } from '../../../src/ports/groups.js';
import type { GroupInstance, Instances } from '../../../src/ports/instances.js';
import { FencedError } from '../../../src/ports/locks.js';
import type { Machine, Scheduler, UnitState } from '../../../src/ports/scheduler.js';
import { MINIMAL_AWS } from '../stack/aws-fixture.js';

const GROUP = 'devbot-prod-WorkerGroup-X';
const launched = new Date('2026-11-20T10:00:00Z');

/** A worker group of two, fleet on both; terminating one launches its replacement InService at once, and fleet learns of it. */
function cluster() {
  const group: GroupInstance[] = [
    { id: 'i-w1', zone: 'eu-west-1a', privateIp: '10.0.1.21', lifecycleState: 'InService', healthStatus: 'Healthy', launchedAt: launched },
    { id: 'i-w2', zone: 'eu-west-1b', privateIp: '10.0.2.21', lifecycleState: 'InService', healthStatus: 'Healthy', launchedAt: launched },
  ];
  const machines: Machine[] = [{ id: 'a'.repeat(32), ip: '10.0.1.21', metadata: { role: 'worker' } }, { id: 'b'.repeat(32), ip: '10.0.2.21', metadata: { role: 'worker' } }];
  const states: UnitState[] = [{ name: 'web.service', hash: 'h', machineId: 'a'.repeat(32), loadState: 'loaded', activeState: 'active', subState: 'running' }];
  const terminated: string[] = [];
  let launches = 0;
  const instances: Instances = {
    zoneOf: async () => undefined,
    groupInstances: async () => group.map((i) => ({ ...i })),
    stackInstances: async () => group.filter((i) => i.lifecycleState !== 'Terminated').map((i) => ({ id: i.id, zone: i.zone, privateIp: i.privateIp!, state: 'running', launchedAt: i.launchedAt, group: { name: GROUP, logicalId: 'WorkerGroup', lifecycleState: i.lifecycleState, healthStatus: i.healthStatus } })),
    async terminateInGroup(id) {
      terminated.push(id);
      group.find((i) => i.id === id)!.lifecycleState = 'Terminating';
      const ip = `10.0.1.${100 + ++launches}`;
      group.push({ id: `i-new${launches}`, zone: 'eu-west-1a', privateIp: ip, lifecycleState: 'InService', healthStatus: 'Healthy', launchedAt: new Date() });
      machines.push({ id: String(launches).repeat(32), ip, metadata: { role: 'worker' } });
      // fleet moved web.service to the other worker when it lost the old one.
      states.splice(0, states.length, { ...states[0]!, machineId: 'b'.repeat(32) });
      return { activity: `Terminating EC2 instance: ${id}` };
    },
  };
  const groups: Groups = { listForStack: async () => [{ name: GROUP, logicalId: 'WorkerGroup', desired: 2, min: 0, max: 4, inService: 2, unhealthy: 0, other: 0 }], recentActivities: async () => [] };
  const scheduler = { machines: async () => machines, states: async () => states } as unknown as Scheduler;
  const config = loadConfig({ documents: [`environments:\n  prod:\n    etcd: { endpoints: [http://10.0.1.10:2379] }\n    fleet: { url: "http://127.0.0.1:1" }\n    aws: ${JSON.stringify({ ...MINIMAL_AWS, pollIntervalMs: 10 })}\n`] });
  const deps = { config, instancesFor: () => instances, groupsFor: () => groups, schedulerFor: () => scheduler } as unknown as Deps;
  return { deps, terminated, group };
}

/** A run of the job over `saved` (the steps an earlier run finished, by name), as the progress reporter resumes one. */
async function runWith(deps: Deps, saved: Map<string, unknown>, fence: () => Promise<void> = async () => {}) {
  const order: string[] = [];
  let summary = '';
  const ctx = {
    deps, signal: new AbortController().signal, log: silentLogger(), data: { environment: 'prod' },
    fence: { check: async () => { order.push('fence'); await fence(); } },
    progress: {
      step: async (name: string, fn: () => Promise<unknown>) => {
        if (saved.has(name)) return saved.get(name);
        const value = await fn();
        saved.set(name, JSON.parse(JSON.stringify(value ?? null)) as unknown);
        return value;
      },
      log: (line: string) => order.push(line),
      finish: async (_outcome: string, s: string) => { summary = s; },
    },
  } as unknown as JobContext;
  await replaceJob.run({ machine: '10.0.1.21', environment: 'prod' }, ctx);
  return { order, summary };
}

describe('replace job: crash safety', () => {
  it('checks the fence right before terminating, then terminates the one planned instance', async () => {
    const c = cluster();
    const { order, summary } = await runWith(c.deps, new Map());
    expect(c.terminated).toEqual(['i-w1']);
    expect(order[order.indexOf(`${GROUP}: Terminating EC2 instance: i-w1`) - 1]).toBe('fence');
    expect(summary).toMatch(/^Replaced worker i-w1 \(10\.0\.1\.21, machine aaaaaaaa\) with i-new1 \(10\.0\.1\.101 in eu-west-1a, machine 11111111\) in \d+\.\d s\. .* Units active again: web\.service on bbbbbbbb\.$/);
  });

  it('a resumed job carries on from the step it reached: the saved plan, no second termination', async () => {
    const c = cluster();
    const saved = new Map<string, unknown>();
    await runWith(c.deps, saved);
    // The worker died after the terminate was saved: the resumed run skips plan and terminate.
    for (const name of [...saved.keys()].filter((n) => !/^(Check and plan|Terminate )/.test(n))) saved.delete(name);
    const { summary, order } = await runWith(c.deps, saved);
    expect(c.terminated).toEqual(['i-w1']);
    expect(summary).toMatch(/^Replaced worker i-w1 .* with i-new1 /);
    // The thread has the plan and the termination from the first run: the resumed one adds neither again.
    expect(order.filter((l) => l.startsWith('Plan: replace'))).toEqual([]);
    expect(order).not.toContain(`${GROUP}: Terminating EC2 instance: i-w1`);
    expect(order.filter((l) => /^new instance i-new1 InService/.test(l))).toHaveLength(1);
  });

  it('a run that died during the terminate call does not terminate again: the group no longer counts the instance live', async () => {
    const c = cluster();
    const saved = new Map<string, unknown>();
    await runWith(c.deps, saved);
    for (const name of [...saved.keys()].filter((n) => n !== 'Check and plan')) saved.delete(name);
    const { order } = await runWith(c.deps, saved);
    expect(c.terminated).toEqual(['i-w1']);
    expect(order).toContain('i-w1 is Terminating already: not terminated again');
  });

  it('a run that lost its lock terminates nothing', async () => {
    const c = cluster();
    await expect(runWith(c.deps, new Map(), async () => { throw new FencedError('another run holds machine@prod'); })).rejects.toThrow(FencedError);
    expect(c.terminated).toEqual([]);
  });
});
