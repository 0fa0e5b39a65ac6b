import { afterEach, describe, expect, it } from 'vitest';
import type { UnitOption } from '../../src/ports/scheduler.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import type { FakeTimings } from '../../tools/fleet-fake/registry.js';

/**
 * The fleet fake failing the way fleet and systemd do: crash loops under Restart=always, rows of a
 * destroyed unit lingering in /state with the old hash, and agents reporting late. On a clock the
 * test moves by hand, over fleet's HTTP API.
 */
const fakes: FleetFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function manualFake(timings: Partial<FakeTimings> = {}) {
  let t = 1_000_000;
  const fake = await startFleetFake({ machines: [{ name: 'm1', metadata: { role: 'main' } }, { name: 'm2', metadata: { role: 'main' } }], now: () => t, tickMs: 0, containers: false, timings: { scheduleMs: 100, startMs: 1000, stopMs: 200, ...timings } });
  fakes.push(fake);
  // Time passes for the fake's engine as for fleet's: it reconciles along the way, not only when asked.
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 50) {
      t += Math.min(50, left);
      await fake.tick();
    }
  };
  return { fake, advance };
}

const svc = (name: string, value: string): UnitOption => ({ section: 'Service', name, value });
const restartAlways = [svc('ExecStart', '/usr/bin/docker run --rm --name api devteam/api:2.0'), svc('Restart', 'always'), svc('RestartSec', '10')];

async function put(fake: FleetFake, name: string, body: unknown): Promise<number> {
  const res = await fetch(`${fake.url}/fleet/v1/units/${encodeURIComponent(name)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.status;
}
const del = async (fake: FleetFake, name: string) => (await fetch(`${fake.url}/fleet/v1/units/${encodeURIComponent(name)}`, { method: 'DELETE' })).status;
async function states(fake: FleetFake, unit: string): Promise<Array<{ hash: string; machineID: string; systemdActiveState: string; systemdSubState: string }>> {
  const body = (await (await fetch(`${fake.url}/fleet/v1/state?unitName=${encodeURIComponent(unit)}`)).json()) as { states?: [] };
  return body.states ?? [];
}
const shown = async (fake: FleetFake, unit: string) => (await states(fake, unit)).map((s) => `${s.systemdActiveState} (${s.systemdSubState})`);

describe('fleet fake: crash loops', () => {
  it('cycles a Restart=always unit whose container keeps crashing through start-pre and auto-restart, never staying active', async () => {
    const { fake, advance } = await manualFake();
    fake.injectFailure({ kind: 'crash-loop', image: 'devteam/api' });
    expect(await put(fake, 'api.service', { desiredState: 'launched', options: restartAlways })).toBe(201);
    await advance(100);
    expect(await shown(fake, 'api.service')).toEqual(['activating (start-pre)']);
    await advance(1000); // started, exited at once: systemd waits RestartSec=10 before the next start
    expect(await shown(fake, 'api.service')).toEqual(['activating (auto-restart)']);
    await advance(9_999);
    expect(await shown(fake, 'api.service')).toEqual(['activating (auto-restart)']);
    await advance(1);
    expect(await shown(fake, 'api.service')).toEqual(['activating (start-pre)']);
    await advance(1000);
    expect(await shown(fake, 'api.service')).toEqual(['activating (auto-restart)']);
  });

  it('shows active (running) between two crashes when the container lives a while, and matches by unit glob too', async () => {
    const { fake, advance } = await manualFake({ restartMs: 500 });
    fake.injectFailure({ kind: 'crash-loop', unit: 'api*', upMs: 300 });
    await put(fake, 'api.service', { desiredState: 'launched', options: restartAlways });
    const seen: string[] = [];
    await advance(100);
    for (let i = 0; i < 18; i++) {
      seen.push(...(await shown(fake, 'api.service')));
      await advance(100);
    }
    expect([...new Set(seen)]).toEqual(['activating (start-pre)', 'active (running)', 'activating (auto-restart)']);
    expect(seen.filter((s) => s === 'active (running)')).toHaveLength(3); // 300 ms up in each 1.8 s cycle
  });

  it('leaves a unit without Restart= failed (failed) after its crash, as systemd does', async () => {
    const { fake, advance } = await manualFake();
    fake.injectFailure({ kind: 'crash-loop', image: 'devteam/api:2.0' });
    await put(fake, 'once.service', { desiredState: 'launched', options: [svc('ExecStart', '/usr/bin/docker run devteam/api:2.0')] });
    await advance(1100);
    expect(await shown(fake, 'once.service')).toEqual(['failed (failed)']);
  });

  it('leaves units of other images alone', async () => {
    const { fake, advance } = await manualFake();
    fake.injectFailure({ kind: 'crash-loop', image: 'devteam/api' });
    await put(fake, 'other.service', { desiredState: 'launched', options: [svc('ExecStart', '/usr/bin/docker run devteam/api-gateway:1'), svc('Restart', 'always')] });
    await advance(1100);
    expect(await shown(fake, 'other.service')).toEqual(['active (running)']);
  });
});

describe('fleet fake: /state as the agents report it', () => {
  it('keeps the destroyed unit\'s row with the old hash after a destroy and create, until the machine reports the new one', async () => {
    const { fake, advance } = await manualFake({ staleStateMs: 2000, reportLagMs: 300 });
    const v1 = [svc('ExecStart', '/bin/v1')];
    const v2 = [svc('ExecStart', '/bin/v2')];
    await put(fake, 'web.service', { desiredState: 'launched', options: v1 });
    await advance(100);
    expect(await states(fake, 'web.service')).toEqual([]); // placed, but its agent has not reported yet
    await advance(300);
    expect(await shown(fake, 'web.service')).toEqual(['activating (start-pre)']);
    await advance(1000);
    const [old] = await states(fake, 'web.service');
    expect(old).toMatchObject({ systemdActiveState: 'active' });

    expect(await del(fake, 'web.service')).toBe(204);
    expect(await put(fake, 'web.service', { desiredState: 'launched', options: v2 })).toBe(201);
    expect(await states(fake, 'web.service')).toEqual([old]); // the old file's row, still "active"
    await advance(400); // placed (100 ms) and reported (300 ms later)
    const rows = await states(fake, 'web.service');
    expect(rows.map((r) => r.hash)).not.toContain(old!.hash);
    expect(rows.map((r) => `${r.systemdActiveState} (${r.systemdSubState})`)).toEqual(rows.length === 1 && rows[0]!.machineID === old!.machineID ? ['activating (start-pre)'] : expect.arrayContaining(['activating (start-pre)']));
  });

  it('drops a lingering row of a unit that is not created again once stale', async () => {
    const { fake, advance } = await manualFake({ staleStateMs: 1500 });
    await put(fake, 'gone.service', { desiredState: 'launched', options: [svc('ExecStart', '/bin/true')] });
    await advance(1200);
    await del(fake, 'gone.service');
    expect(await shown(fake, 'gone.service')).toEqual(['active (running)']);
    await advance(1499);
    expect(await shown(fake, 'gone.service')).toEqual(['active (running)']);
    await advance(1);
    expect(await states(fake, 'gone.service')).toEqual([]);
    expect((await (await fetch(`${fake.url}/fleet/v1/units/gone.service`)).json()) as unknown).toEqual({ error: { code: 404, message: 'unit does not exist' } });
  });

  it('reports a stop late by the agent\'s lag', async () => {
    const { fake, advance } = await manualFake({ reportLagMs: 500 });
    await put(fake, 'w.service', { desiredState: 'launched', options: [svc('ExecStart', '/bin/true')] });
    await advance(2000);
    expect(await shown(fake, 'w.service')).toEqual(['active (running)']);
    await put(fake, 'w.service', { desiredState: 'loaded' });
    await advance(100);
    expect(await shown(fake, 'w.service')).toEqual(['active (running)']);
    await advance(500);
    expect(await shown(fake, 'w.service')).toEqual(['deactivating (stop-sigterm)']);
  });
});
