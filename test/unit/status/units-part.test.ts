import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleetScheduler } from '../../../src/adapters/fleet/fleet-scheduler.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/log.js';
import type { StatusContext } from '../../../src/ports/status.js';
import { unitsPart } from '../../../src/status/parts/units.part.js';
import { startFleetFake, type FleetFake } from '../../../tools/fleet-fake/index.js';

const config = (fleet: string) =>
  loadConfig({ documents: [`environments:\n  local:\n    etcd: { endpoints: [http://127.0.0.1:2379] }\n${fleet}`] });

describe('the units part of /dev status', () => {
  let fake: FleetFake;
  beforeAll(async () => {
    fake = await startFleetFake({ machines: [{ name: 'a', metadata: { role: 'main' } }, { name: 'b', metadata: { role: 'main' } }], timings: { scheduleMs: 0, startMs: 0, stopMs: 0 }, containers: false });
  });
  afterAll(() => fake.close());

  const ctx = (c: ReturnType<typeof config>, withScheduler: boolean) =>
    ({ environment: 'local', config: c, signal: new AbortController().signal, scheduler: withScheduler ? createFleetScheduler({ url: fake.url, timeoutMs: 1000, log: silentLogger() }) : undefined }) as unknown as StatusContext;

  it('is off, saying so, where fleet is not configured', async () => {
    expect(await unitsPart.collect(ctx(config(''), false))).toEqual({ title: 'units', level: 'info', summary: 'fleet is not configured for local', lines: [] });
  });

  it('counts instances per service, names the failed one and where it ran, and lists the machines', async () => {
    const scheduler = createFleetScheduler({ url: fake.url, timeoutMs: 1000, log: silentLogger() });
    const exec = [{ section: 'Service', name: 'ExecStart', value: '/bin/true' }, { section: 'X-Fleet', name: 'Conflicts', value: 'mediawiki@*.service' }];
    fake.injectFailure({ kind: 'start', unit: 'mediawiki@2.service' });
    await scheduler.create('mediawiki@1.service', exec, 'launched');
    await scheduler.create('mediawiki@2.service', exec, 'launched');
    await expect.poll(async () => (await scheduler.states()).map((s) => s.activeState).sort()).toEqual(['active', 'failed']);
    const section = await unitsPart.collect(ctx(config('    fleet: { url: "http://unused", catalog: config/services.yaml }\n'), true));
    expect(section.level).toBe('critical');
    expect(section.summary).toBe('1 service on 2 machines; FAILED: mediawiki');
    expect(section.lines[0]).toEqual({ label: 'mediawiki', level: 'critical', value: expect.stringMatching(/^1\/2 active on [0-9a-f]{8} 127\.[\d.]+ — mediawiki@2\.service FAILED on [0-9a-f]{8} 127\.[\d.]+$/) });
    expect(section.lines.slice(1).map((l) => l.value)).toEqual([expect.stringMatching(/^127\.[\d.]+ · role=main · 1 unit\(s\)$/), expect.stringMatching(/^127\.[\d.]+ · role=main · 1 unit\(s\)$/)]);
  });
});
