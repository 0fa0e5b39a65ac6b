/**
 * A cluster for `/dev replace` tests and benches: the fleet fake and the AWS HTTP fake wired the
 * way a real cluster behaves. The machines fleet knows are the group instances' private IPs;
 * terminating an instance makes fleet lose its machine, and the group's replacement joins fleet,
 * with the same metadata and its new IP, when it goes InService. That wiring lives here, never in
 * src/ (and nothing here imports src/, so acceptance tests and benches may use it).
 */
import { startFleetFake, type FakeMachine, type FleetFake } from '../../tools/fleet-fake/index.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { awsFakeEnv, startAwsHttpFake, type AwsHttpFake, type FakeGroupModel } from '../fakes/aws-http-fake.js';
import type { FakeGroupInstance } from '../fakes/aws-scaling-state.js';

export interface ReplaceWorld {
  fleet: FleetFake;
  aws: AwsHttpFake;
  stackName: string;
  /** What a devbot process needs in its environment to reach the AWS fake. */
  awsEnv: Record<string, string>;
  /** The fleet machine of a group instance. */
  machineOf(instanceId: string): FakeMachine | undefined;
  group(logicalId: string): FakeGroupModel;
  /** The worker web.service runs on now: its instance and fleet machine. */
  webWorker(): { instance: FakeGroupInstance; machine: FakeMachine };
  close(): Promise<void>;
}

export interface WorldOptions {
  stackName?: string;
  /** Fleet metadata of main node n (1-based) besides role=main. */
  mainMetadata?(n: number): Record<string, string>;
  /** Polls a new instance stays Pending (default 2; 0: InService at once). */
  pendingPolls?: number;
  terminatingPolls?: number;
  /** fleet's scheduling and start times (defaults: 50 ms, 200 ms). */
  fleetTimings?: { scheduleMs: number; startMs: number; stopMs: number };
  /** When an instance is terminated, after fleet lost it (a main node's etcd dies with it). */
  onTerminate?(instance: FakeGroupInstance, group: FakeGroupModel): void;
}

/** Three main nodes and two workers, web.service and api.service on the workers (one each). */
export async function startReplaceWorld(opts: WorldOptions = {}): Promise<ReplaceWorld> {
  const stackName = opts.stackName ?? 'devbot-mr';
  const zones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
  const specs = [
    ...[1, 2, 3].map((n) => ({ name: `main-${n}`, metadata: { role: 'main', ...(opts.mainMetadata?.(n) ?? {}) }, zone: zones[n - 1]!, logicalId: 'MainGroup' })),
    ...[1, 2].map((n) => ({ name: `worker-${n}`, metadata: { role: 'worker' }, zone: zones[n - 1]!, logicalId: 'WorkerGroup' })),
  ];
  const fleet = await startFleetFake({ machines: specs, timings: opts.fleetTimings ?? { scheduleMs: 50, startMs: 200, stopMs: 50 } });
  const net = fleet.machines[0]!.ip.split('.').slice(0, 3).join('.');
  let nextHost = 100;
  const machineIds = new Map<string, string>();
  const groups: FakeGroupModel[] = ['MainGroup', 'WorkerGroup'].map((logicalId) => {
    const mine = specs.map((s, i) => ({ s, m: fleet.machines[i]! })).filter(({ s }) => s.logicalId === logicalId);
    return {
      name: `${stackName}-${logicalId}-1B2C3D4E5F6A7`, stackName, logicalId, min: mine.length, max: mine.length + 2, desired: mine.length,
      instances: mine.map(({ s, m }, i) => {
        const id = `i-0${logicalId === 'MainGroup' ? 1 : 2}${String(i).padStart(15, '0')}`;
        machineIds.set(id, m.id);
        return { id, zone: s.zone, lifecycle: 'InService', health: 'Healthy' as const, privateIp: m.ip, launchedAt: new Date(Date.now() - 86_400_000) };
      }),
      activities: [],
    };
  });
  const metadataAt = new Map(fleet.machines.map((m) => [m.ip, m.metadata]));
  /** Per group, the metadata of the machine it lost last: its replacement boots with the same (cloud-config). */
  const lost = new Map<string, Record<string, string>>();
  const aws = await startAwsHttpFake({
    groups,
    scaling: {
      pendingPolls: opts.pendingPolls ?? 2,
      ...(opts.terminatingPolls !== undefined ? { terminatingPolls: opts.terminatingPolls } : {}),
      nextIp: () => `${net}.${nextHost++}`,
      onTerminate(instance, group) {
        const machine = fleet.machines.find((m) => m.ip === instance.privateIp);
        if (machine) fleet.removeMachine(machine.id);
        lost.set(group.name, metadataAt.get(instance.privateIp ?? '') ?? {});
        opts.onTerminate?.(instance, group);
      },
      onInService(instance, group) {
        const metadata = { ...(lost.get(group.name) ?? { role: group.logicalId === 'MainGroup' ? 'main' : 'worker' }) };
        const m = fleet.addMachine({ name: `new-${instance.id}`, ip: instance.privateIp!, metadata });
        metadataAt.set(m.ip, metadata);
        machineIds.set(instance.id, m.id);
      },
    },
  });
  for (const unit of ['web.service', 'api.service']) {
    const body = { desiredState: 'launched', options: [{ section: 'Service', name: 'ExecStart', value: `/usr/bin/docker run team/${unit}` }, { section: 'X-Fleet', name: 'MachineMetadata', value: 'role=worker' }] };
    const res = await fetch(`${fleet.url}/fleet/v1/units/${unit}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`fleet refused ${unit}: ${res.status}`);
  }
  await waitFor('both units active', () => fleet.states().filter((s) => s.systemdActiveState === 'active').length === 2, { timeoutMs: 20_000, intervalMs: 50 });
  const machineOf = (id: string) => fleet.machines.find((m) => m.id === machineIds.get(id));
  const group = (logicalId: string) => aws.groups.find((g) => g.logicalId === logicalId)!;
  return {
    fleet, aws, stackName, awsEnv: awsFakeEnv(aws.url), machineOf, group,
    webWorker() {
      const state = fleet.states().find((s) => s.name === 'web.service' && s.systemdActiveState === 'active');
      const instance = group('WorkerGroup').instances.find((i) => state && machineOf(i.id)?.id === state.machineID);
      if (!instance) throw new Error('web.service is active on no worker');
      return { instance, machine: machineOf(instance.id)! };
    },
    async close() {
      await aws.close();
      await fleet.close();
    },
  };
}
