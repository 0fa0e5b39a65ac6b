import { afterEach, describe, expect, it } from 'vitest';
import { createAwsInstances } from '../../src/adapters/aws/aws-instances.js';
import { createFleetScheduler } from '../../src/adapters/fleet/fleet-scheduler.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Deps } from '../../src/deps.js';
import { ConfigError } from '../../src/errors.js';
import type { JobContext } from '../../src/jobs/job-kind.js';
import { machinesJob } from '../../src/jobs/machines.job.js';
import { silentLogger } from '../../src/log.js';
import type { ChatMessage } from '../../src/ports/chat.js';
import type { Instances } from '../../src/ports/instances.js';
import { AwsNotConfiguredError } from '../../src/ports/stacks.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { createFakeEc2 } from '../fakes/fake-ec2.js';
import { MINIMAL_AWS } from '../unit/stack/aws-fixture.js';

const at = (minute: number) => new Date(`2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`);

/** prod: three main nodes and two workers in EC2; fleet runs on every one but worker-2 (10.0.2.21). */
function ec2() {
  const fake = createFakeEc2('devbot-prod');
  fake.addGroup('devbot-prod-MainGroup-X', 'MainGroup');
  fake.addGroup('devbot-prod-WorkerGroup-Y', 'WorkerGroup');
  for (const [n, zone] of [[1, 'a'], [2, 'b'], [3, 'c']] as const) fake.launch({ id: `i-main${n}`, zone: `eu-west-1${zone}`, ip: `10.0.${n}.10`, launchedAt: at(0), group: 'devbot-prod-MainGroup-X' });
  fake.launch({ id: 'i-worker1', zone: 'eu-west-1a', ip: '10.0.1.21', launchedAt: at(5), group: 'devbot-prod-WorkerGroup-Y' });
  fake.launch({ id: 'i-worker2', zone: 'eu-west-1b', ip: '10.0.2.21', launchedAt: at(6), group: 'devbot-prod-WorkerGroup-Y' });
  fake.launch({ id: 'i-gone', zone: 'eu-west-1c', ip: '10.0.3.21', launchedAt: at(1), group: 'devbot-prod-WorkerGroup-Y' });
  fake.terminate('i-gone');
  return fake;
}

describe('/dev machines', () => {
  let fleet: FleetFake | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  async function run(opts: { aws: boolean; instances?: Instances }): Promise<{ summary: string; message?: ChatMessage }> {
    let clock = 0;
    const f = (fleet = await startFleetFake({
      machines: [
        ...[1, 2, 3].map((n) => ({ name: `main-${n}`, ip: `10.0.${n}.10`, metadata: { role: 'main' } })),
        { name: 'worker-1', ip: '10.0.1.21', metadata: { role: 'worker' } },
        { name: 'laptop', ip: '192.168.1.7', metadata: { role: 'worker' } },
      ],
      timings: { scheduleMs: 0, startMs: 0, stopMs: 0 }, now: () => clock, tickMs: 0, containers: false,
    }));
    const worker1 = f.machines.find((m) => m.name === 'worker-1')!;
    const unit = { desiredState: 'launched', options: [{ section: 'Service', name: 'ExecStart', value: '/usr/bin/docker run team/web' }, { section: 'X-Fleet', name: 'MachineID', value: worker1.id }] };
    expect((await fetch(`${f.url}/fleet/v1/units/web.service`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(unit) })).status).toBe(201);
    for (let i = 0; i < 3; i++) { clock += 10; await f.tick(); }
    const config = loadConfig({
      documents: [`environments:\n  prod:\n    etcd: { endpoints: [http://10.0.1.10:2379] }\n    fleet: { url: "${f.url}" }\n${opts.aws ? `    aws: ${JSON.stringify(MINIMAL_AWS)}\n` : ''}`],
    });
    const deps = {
      config,
      schedulerFor: () => createFleetScheduler({ url: f.url, timeoutMs: 2000, log: silentLogger() }),
      instancesFor: () => opts.instances ?? createAwsInstances(ec2().clients, { sleep: async () => {}, random: () => 0 }),
    } as unknown as Deps;
    let result: { summary: string; message?: ChatMessage } | undefined;
    const ctx = {
      deps, signal: new AbortController().signal, log: silentLogger(),
      progress: { step: (_n: string, fn: () => Promise<unknown>) => fn(), log: () => {}, finish: async (_o: string, summary: string, message?: ChatMessage) => { result = { summary, ...(message ? { message } : {}) }; } },
    } as unknown as JobContext;
    await machinesJob.run({ environment: 'prod' }, ctx);
    return result!;
  }

  it('joins fleet machines with their instances by IP, with the units on each, and lists both kinds of stray', async () => {
    const { summary, message } = await run({ aws: true });
    expect(summary).toBe('Machines of prod: 5 in fleet, 5 EC2 instances; 1 without fleet, 1 without an instance');
    const lines = message!.text.split('\n');
    const worker = fleet!.machines.find((m) => m.name === 'worker-1')!;
    expect(lines).toContain(`  ${worker.id.slice(0, 8)} 10.0.1.21 · worker · i-worker1 in eu-west-1a, launched 2026-11-20 10:05 UTC, devbot-prod-WorkerGroup-Y, InService, Healthy · web.service`);
    const main2 = fleet!.machines.find((m) => m.name === 'main-2')!;
    expect(lines).toContain(`  ${main2.id.slice(0, 8)} 10.0.2.10 · main · i-main2 in eu-west-1b, launched 2026-11-20 10:00 UTC, devbot-prod-MainGroup-X, InService, Healthy · no units`);
    const laptop = fleet!.machines.find((m) => m.name === 'laptop')!;
    expect(lines).toContain(`  ${laptop.id.slice(0, 8)} 192.168.1.7 · worker · NO EC2 instance of the stack has this IP · no units`);
    // fleet died on worker-2; the terminated i-gone is not listed at all
    expect(lines).toContain('  10.0.2.21 · worker · i-worker2 in eu-west-1b, launched 2026-11-20 10:06 UTC, devbot-prod-WorkerGroup-Y, InService, Healthy · fleet does not list it (fleet dead, or still booting)');
    expect(message!.text).not.toContain('i-gone');
    expect(message!.text).toContain('fleet does not list one instance: fleet is dead (or still starting) there, so nothing is scheduled on it.');
  });

  it('lists fleet\'s machines and says AWS is not configured where it is not', async () => {
    const { summary, message } = await run({ aws: false });
    expect(summary).toBe('Machines of prod: 5 in fleet');
    expect(message!.text).toContain('AWS is not configured for prod (`environments.prod.aws`): these are fleet\'s machines only, without their EC2 instances.');
    expect(message!.text).toMatch(/ 10\.0\.1\.21 · worker · web\.service$/m);
  });

  it('still lists fleet\'s machines when AWS has no credentials or region', async () => {
    for (const error of [new AwsNotConfiguredError('AWS is not configured: no credentials were found.'), new ConfigError('No AWS region for prod.')]) {
      const failing = { stackInstances: async () => { throw error; } } as unknown as Instances;
      const { summary, message } = await run({ aws: true, instances: failing });
      await fleet?.close();
      fleet = undefined;
      expect(summary).toBe('Machines of prod: 5 in fleet');
      expect(message!.text).toContain(`${error.userFacing} These are fleet's machines only.`);
    }
  });
});
