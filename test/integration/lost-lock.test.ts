/**
 * A job that loses its lock stops at its next step boundary. Shipped `devbot serve` and `devbot
 * worker` roll a real deploy out through the fleet fake; midway its lock goes to another job (as
 * when the lock expired, or Redis lost it in a failover). The deploy must submit no further unit,
 * write no deployment record, say that it stopped and why, and leave the other job's lock alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEtcdDeployments } from '../../src/adapters/etcd/etcd-deployments.js';
import { silentLogger } from '../../src/log.js';
import type { Deployments } from '../../src/ports/deployments.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import { startInstallation, type Installation } from '../harness/devbot-installation.js';
import { uniqueName } from '../harness/unique.js';

const MACHINES = ['a', 'b', 'c'].map((az) => ({ name: `main-${az}`, metadata: { role: 'main', az } }));

describe('a deploy whose lock is lost midway', () => {
  let site: Installation;
  let fleet: FleetFake;
  let history: Deployments;
  let serve: DevbotProcess;
  const dir = mkdtempSync(join(tmpdir(), 'devbot-lost-lock-'));
  const historyPrefix = `devbot-test/${uniqueName('lost-lock')}`;

  beforeAll(async () => {
    fleet = await startFleetFake({ machines: MACHINES, timings: { scheduleMs: 20, startMs: 1500, stopMs: 30 }, tickMs: 20, containers: false });
    writeFileSync(join(dir, 'services.yaml'), `
services:
  lost-web:
    image: team/web
    version: "1.0"
    instances: 3
    placement: { machineMetadata: { role: main } }
`);
    const endpoints = inject('etcd').endpoints;
    site = await startInstallation({
      label: 'lost-lock', redisUrl: inject('redisUrl'), etcdEndpoints: endpoints, shipped: true,
      localEnvironment: `    fleet: { url: "${fleet.url}", catalog: "${join(dir, 'services.yaml')}", pollMs: 50, scheduleTimeoutMs: 5000, startTimeoutMs: 10000, requestTimeoutMs: 1000, historyPrefix: "${historyPrefix}" }`,
    });
    history = createEtcdDeployments({ endpoints, prefix: historyPrefix, callTimeoutMs: 1000, log: silentLogger() });
    [serve] = await Promise.all([site.start('serve', 'serve'), site.start('worker', 'worker')]);
    await site.waitForWorkers(1);
  });

  afterAll(async () => {
    await site?.close();
    await history?.close();
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops at the next step: no further unit submitted, nothing recorded, the message says why', async () => {
    const res = await site.command(serve, 'deploy lost-web', { triggerId: 'lost-lock-1' });
    const jobId = /Queued as job (deploy-[0-9a-f]+)/.exec(res.body)?.[1];
    expect(jobId, res.body).toBeDefined();
    await waitFor('the first instance to be submitted', () => fleet.units().some((u) => u.name === 'lost-web@1.service'), { timeoutMs: 15_000, intervalMs: 10 });

    // The lock now belongs to another job.
    const lockKey = `${site.prefix}:lock:service/lost-web@local`;
    const intruder = JSON.stringify({ target: 'service/lost-web@local', jobId: 'deploy-intruder', user: 'U_BOB', since: new Date().toISOString(), text: 'deploy lost-web' });
    await site.redis.set(lockKey, intruder, 'PX', 60_000);

    const final = await site.finalUpdate(jobId!, 'failed', 20_000);
    expect(String(final.params['text'])).toContain(`Job ${jobId} lost its lock on service/lost-web@local (it expired, or another job holds it now), so it stopped before its next step.`);
    await expect(site.queue.waitUntilFinished(jobId!, 5_000)).resolves.toMatchObject({ state: 'failed' });

    expect(fleet.units().map((u) => u.name).sort()).toEqual(['lost-web@.service', 'lost-web@1.service']);
    expect((await history.list({ service: 'lost-web', limit: 10 })).filter((r) => r.jobId === jobId)).toEqual([]);
    expect(await site.redis.get(lockKey)).toBe(intruder);
  });
});
