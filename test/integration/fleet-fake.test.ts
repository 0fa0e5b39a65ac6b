import { afterEach, describe, expect, it } from 'vitest';
import { createFleetScheduler } from '../../src/adapters/fleet/fleet-scheduler.js';
import { RefusedError, UpstreamError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import type { UnitOption } from '../../src/ports/scheduler.js';
import { encodePageToken } from '../../tools/fleet-fake/paging.js';
import { startFleetFake, type FleetFake, type FleetFakeOptions } from '../../tools/fleet-fake/index.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';

/** fleet's API v1 as the fake serves it (codes, bodies, paging, scheduling, states), and the adapter over it. */

const MACHINES: FleetFakeOptions['machines'] = [
  { name: 'm1', metadata: { role: 'main', az: 'a' } },
  { name: 'm2', metadata: { role: 'main', az: 'b' } },
  { name: 'm3', metadata: { role: 'worker', az: 'c' } },
];

const fakes: FleetFake[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** A fake on a clock the test moves by hand (no background ticks). */
async function manualFake(timings = { scheduleMs: 100, startMs: 1000, stopMs: 500 }) {
  let t = 1_000_000;
  const fake = await startFleetFake({ machines: MACHINES, now: () => t, tickMs: 0, timings, containers: false });
  fakes.push(fake);
  return { fake, advance: (ms: number) => (t += ms) };
}

const exec = (value: string): UnitOption => ({ section: 'Service', name: 'ExecStart', value });
const xfleet = (name: string, value: string): UnitOption => ({ section: 'X-Fleet', name, value });

async function call(fake: FleetFake, method: string, path: string, body?: unknown, headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }) {
  const res = await fetch(`${fake.url}/fleet/v1/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, contentType: res.headers.get('content-type') };
}

const put = (fake: FleetFake, name: string, body: unknown) => call(fake, 'PUT', `units/${encodeURIComponent(name)}`, body);

describe('fleet fake: units resource', () => {
  it('creates (201, no body), reads, changes state (204) and destroys (204, then 404)', async () => {
    const { fake } = await manualFake();
    expect(await put(fake, 'web@1.service', { desiredState: 'loaded', options: [exec('/bin/true')] })).toMatchObject({ status: 201, body: undefined });
    expect(await call(fake, 'GET', 'units/web%401.service')).toEqual({
      status: 200,
      contentType: 'application/json',
      body: { name: 'web@1.service', options: [{ section: 'Service', name: 'ExecStart', value: '/bin/true' }], desiredState: 'loaded', currentState: 'inactive' },
    });
    expect(await put(fake, 'web@1.service', { desiredState: 'launched' })).toMatchObject({ status: 204 });
    expect(await call(fake, 'DELETE', 'units/web@1.service')).toMatchObject({ status: 204 });
    expect(await call(fake, 'DELETE', 'units/web@1.service')).toEqual({ status: 404, contentType: 'application/json', body: { error: { code: 404, message: 'unit does not exist' } } });
    expect(await call(fake, 'GET', 'units/web@1.service')).toMatchObject({ status: 404, body: { error: { code: 404, message: 'unit does not exist' } } });
  });

  it.each([
    ['a new unit without options', 'new.service', { desiredState: 'launched' }, 409, 'unit does not exist and options field empty'],
    ['a name differing from the URL', 'a.service', { name: 'b.service', desiredState: 'launched', options: [exec('/bin/true')] }, 400, 'name in URL "a.service" differs from unit name in request body "b.service"'],
    ['an invalid unit type', 'a.serv', { desiredState: 'launched', options: [exec('/bin/true')] }, 400, 'invalid unit type: "serv"'],
    ['Global with Conflicts', 'g.service', { desiredState: 'launched', options: [xfleet('Global', 'true'), xfleet('Conflicts', 'x*')] }, 400, 'Global cannot be used with Conflicts'],
    ['a peer matching a conflict', 'p.service', { desiredState: 'launched', options: [xfleet('MachineOf', 'db.service'), xfleet('Conflicts', 'db*')] }, 400, 'unresolvable requirements: peer "db.service" matches conflict "db*"'],
  ])('refuses %s with fleet\'s code and message', async (_what, name, body, code, message) => {
    const { fake } = await manualFake();
    expect(await put(fake, name, body)).toMatchObject({ status: code, body: { error: { code, message } } });
  });

  it('keeps an existing unit\'s options and only changes its state; wants a desired state', async () => {
    const { fake } = await manualFake();
    await put(fake, 'a.service', { desiredState: 'inactive', options: [exec('/bin/true')] });
    expect(await put(fake, 'a.service', { desiredState: 'loaded', options: [exec('/bin/false')] })).toMatchObject({ status: 204 });
    expect((await call(fake, 'GET', 'units/a.service')).body).toMatchObject({ desiredState: 'loaded', options: [{ value: '/bin/true' }] });
    expect(await put(fake, 'a.service', {})).toMatchObject({ status: 409, body: { error: { message: 'must provide DesiredState to update existing unit' } } });
  });

  it('wants JSON: 415 for another content type, 400 for a body it cannot decode, 405 for other methods', async () => {
    const { fake } = await manualFake();
    expect(await call(fake, 'PUT', 'units/a.service', { desiredState: 'launched' }, { 'content-type': 'text/plain' })).toMatchObject({ status: 415, body: { error: { code: 415, message: 'only acceptable Content-Type is application/json' } } });
    const res = await fetch(`${fake.url}/fleet/v1/units/a.service`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^unable to decode body: /);
    expect(await call(fake, 'POST', 'units')).toMatchObject({ status: 405, body: { error: { message: 'only GET supported against this resource' } } });
    expect(await call(fake, 'POST', 'machines')).toMatchObject({ status: 400, body: { error: { message: 'only HTTP GET supported against this resource' } } });
    expect(await call(fake, 'GET', 'nothing')).toMatchObject({ status: 404, body: { error: { code: 404, message: '' } } });
  });
});

describe('fleet fake: paging', () => {
  it('pages by 100 with nextPageToken, like fleet (a full last page still gets a token)', async () => {
    const { fake } = await manualFake();
    for (let i = 0; i < 150; i++) await put(fake, `u${String(i).padStart(3, '0')}.service`, { desiredState: 'inactive', options: [exec('/bin/true')] });
    const first = await call(fake, 'GET', 'units');
    expect((first.body!['units'] as unknown[]).length).toBe(100);
    expect(first.body!['nextPageToken']).toBe(encodePageToken(2));
    const second = await call(fake, 'GET', `units?nextPageToken=${first.body!['nextPageToken'] as string}`);
    expect((second.body!['units'] as Array<{ name: string }>).map((u) => u.name)).toEqual(Array.from({ length: 50 }, (_, i) => `u${String(i + 100).padStart(3, '0')}.service`));
    expect(second.body!['nextPageToken']).toBeUndefined();

    for (let i = 0; i < 50; i++) await call(fake, 'DELETE', `units/u${String(i).padStart(3, '0')}.service`);
    const exactly = await call(fake, 'GET', 'units');
    expect(exactly.body!['nextPageToken']).toBe(encodePageToken(2));
    expect(await call(fake, 'GET', `units?nextPageToken=${encodePageToken(2)}`)).toMatchObject({ status: 200, body: {} });
  });

  it.each([
    ['garbage', 'units?nextPageToken=abc', 'illegal base64 data at input byte 0'],
    ['another limit', `units?nextPageToken=${encodePageToken(2, 50)}`, 'token limit must be 100'],
    ['page zero', `machines?nextPageToken=${encodePageToken(0)}`, 'token page must be greater than zero'],
    ['two tokens', `state?nextPageToken=${encodePageToken(2)}&nextPageToken=${encodePageToken(3)}`, 'too many values for page token'],
  ])('refuses a token with %s (400)', async (_what, path, message) => {
    const { fake } = await manualFake();
    expect(await call(fake, 'GET', path)).toMatchObject({ status: 400, body: { error: { code: 400, message } } });
  });
});

describe('fleet fake: scheduling and states over time', () => {
  it('goes loaded → activating (start-pre) → active (running), then stops and unloads, on the fake clock', async () => {
    const { fake, advance } = await manualFake();
    await put(fake, 'web.service', { desiredState: 'launched', options: [exec('/bin/true'), xfleet('MachineMetadata', 'role=worker')] });
    const states = async () => ((await call(fake, 'GET', 'state?unitName=web.service')).body!['states'] as Array<Record<string, string>> | undefined) ?? [];
    expect(await states()).toEqual([]);
    advance(100);
    const m3 = fake.machines.find((m) => m.name === 'm3')!.id;
    expect(await states()).toEqual([{ name: 'web.service', hash: expect.stringMatching(/^[0-9a-f]{40}$/), machineID: m3, systemdLoadState: 'loaded', systemdActiveState: 'activating', systemdSubState: 'start-pre' }]);
    expect((await call(fake, 'GET', 'units/web.service')).body).toMatchObject({ currentState: 'launched', machineID: m3 });
    advance(1000);
    expect(await states()).toMatchObject([{ systemdActiveState: 'active', systemdSubState: 'running' }]);
    await put(fake, 'web.service', { desiredState: 'loaded' });
    advance(100);
    expect(await states()).toMatchObject([{ systemdActiveState: 'deactivating', systemdSubState: 'stop-sigterm' }]);
    advance(500);
    expect(await states()).toMatchObject([{ systemdActiveState: 'inactive', systemdSubState: 'dead' }]);
    await put(fake, 'web.service', { desiredState: 'inactive' });
    expect(await states()).toEqual([]);
    expect((await call(fake, 'GET', `state?machineID=${m3}`)).body).toEqual({});
  });

  it('honours Conflicts (instances on different machines; one too many stays unscheduled), Global and MachineOf', async () => {
    const { fake, advance } = await manualFake();
    for (let i = 1; i <= 4; i++) await put(fake, `db@${i}.service`, { desiredState: 'launched', options: [exec('/bin/true'), xfleet('Conflicts', '%p@*.service')] });
    await put(fake, 'agent.service', { desiredState: 'launched', options: [exec('/bin/true'), xfleet('Global', 'true'), xfleet('MachineMetadata', 'role=main')] });
    await put(fake, 'nowhere.service', { desiredState: 'launched', options: [exec('/bin/true'), xfleet('MachineMetadata', 'role=gpu')] });
    advance(100);
    await put(fake, 'sidekick.service', { desiredState: 'launched', options: [exec('/bin/true'), xfleet('MachineOf', 'db@2.service')] });
    advance(100);
    const units = (await call(fake, 'GET', 'units')).body!['units'] as Array<{ name: string; machineID?: string; currentState: string }>;
    const where = Object.fromEntries(units.map((u) => [u.name, u.machineID]));
    expect(new Set([where['db@1.service'], where['db@2.service'], where['db@3.service']]).size).toBe(3);
    expect(units.find((u) => u.name === 'db@4.service')).toMatchObject({ currentState: 'inactive' });
    expect(where['db@4.service']).toBeUndefined();
    expect(where['sidekick.service']).toBe(where['db@2.service']);
    expect(units.find((u) => u.name === 'nowhere.service')).toMatchObject({ currentState: 'inactive' });
    const agent = ((await call(fake, 'GET', 'state?unitName=agent.service')).body!['states'] as Array<{ machineID: string }>).map((s) => s.machineID).sort();
    expect(agent).toEqual(fake.machines.filter((m) => m.metadata['role'] === 'main').map((m) => m.id).sort());
  });

  it('reschedules a unit when its machine leaves, and lists machines with metadata', async () => {
    const { fake, advance } = await manualFake();
    await put(fake, 'web.service', { desiredState: 'launched', options: [exec('/bin/true'), xfleet('MachineMetadata', 'role=main')] });
    advance(100);
    const first = (await call(fake, 'GET', 'units/web.service')).body!['machineID'] as string;
    fake.removeMachine(first);
    const second = (await call(fake, 'GET', 'units/web.service')).body!['machineID'] as string;
    expect(second).not.toBe(first);
    expect(fake.machines.find((m) => m.id === second)?.metadata['role']).toBe('main');
    const machines = (await call(fake, 'GET', 'machines')).body!['machines'] as Array<{ id: string; primaryIP: string; metadata: Record<string, string> }>;
    expect(machines).toHaveLength(2);
    expect(machines[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), primaryIP: expect.stringMatching(/^127\.\d+\.\d+\.\d+$/), metadata: expect.any(Object) });
  });

  it('fails a start on demand (systemd failed/failed) and answers for containers on their machine', async () => {
    const fake = await startFleetFake({ machines: MACHINES, timings: { scheduleMs: 10, startMs: 30, stopMs: 10 }, tickMs: 10 });
    fakes.push(fake);
    const [port] = await freePorts(1);
    fake.injectFailure({ kind: 'start', unit: 'bad*' });
    await put(fake, 'bad.service', { desiredState: 'launched', options: [exec('/bin/true')] });
    await put(fake, 'web.service', { desiredState: 'launched', options: [exec(`/usr/bin/docker run -p ${port}:80 web`), xfleet('MachineMetadata', 'az=b')] });
    await expect.poll(() => fake.states().map((s) => `${s.name} ${s.systemdActiveState}`).sort()).toEqual(['bad.service failed', 'web.service active']);
    const ip = fake.machines.find((m) => m.name === 'm2')!.ip;
    expect((await fetch(`http://${ip}:${port}/health`)).status).toBe(200);
    const sick = fake.injectFailure({ kind: 'unhealthy', unit: 'web.service' });
    expect((await fetch(`http://${ip}:${port}/health`)).status).toBe(503);
    sick.clear();
    await put(fake, 'web.service', { desiredState: 'loaded' });
    await expect.poll(async () => fetch(`http://${ip}:${port}/`).then((r) => r.status, () => 'refused')).toBe('refused');
  });
});

describe('the fleet adapter against the fake', () => {
  const scheduler = (fake: FleetFake, timeoutMs = 2000) => createFleetScheduler({ url: fake.url, timeoutMs, log: silentLogger() });

  it('follows nextPageToken across pages and filters states', async () => {
    const { fake, advance } = await manualFake();
    const fleet = scheduler(fake);
    for (let i = 0; i < 230; i++) await fleet.create(`u${i}.service`, [exec('/bin/true')], i < 3 ? 'launched' : 'inactive');
    advance(100);
    expect((await fleet.units()).length).toBe(230);
    expect((await fleet.states()).map((s) => s.name).sort()).toEqual(['u0.service', 'u1.service', 'u2.service']);
    expect(await fleet.states({ unitName: 'u1.service' })).toMatchObject([{ name: 'u1.service', activeState: 'activating', subState: 'start-pre', loadState: 'loaded' }]);
    expect((await fleet.machines()).map((m) => m.metadata['az'])).toEqual(['a', 'b', 'c']);
    expect(await fleet.unit('missing.service')).toBeUndefined();
    expect(await fleet.destroy('missing.service')).toBe(false);
  });

  it('refuses to "create" over an existing unit (fleet would keep its old file) and to start an unknown one', async () => {
    const { fake } = await manualFake();
    const fleet = scheduler(fake);
    await fleet.create('a.service', [exec('/bin/true')], 'inactive');
    await expect(fleet.create('a.service', [exec('/bin/false')], 'launched')).rejects.toThrow('a.service already existed in fleet, which kept its old unit file');
    await expect(fleet.setDesiredState('b.service', 'launched')).rejects.toThrow(RefusedError);
  });

  it('turns fleet errors, hangs and a closed port into UpstreamError(fleet) that say what happened', async () => {
    const { fake } = await manualFake();
    fake.injectFailure({ kind: 'api', status: 500, path: '/units', times: 1, message: 'etcd cluster is unavailable' });
    const err = await scheduler(fake).units().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ service: 'fleet', retryable: true, message: 'fleet answered 500 to GET /fleet/v1/units: etcd cluster is unavailable.' });

    fake.injectFailure({ kind: 'hang', path: '/machines' });
    const started = Date.now();
    await expect(scheduler(fake, 200).machines()).rejects.toThrow(`fleet at ${fake.url} did not answer GET /fleet/v1/machines within 200 ms.`);
    expect(Date.now() - started).toBeLessThan(1500);

    const [closed] = await freePorts(1);
    await expect(createFleetScheduler({ url: `http://127.0.0.1:${closed}`, timeoutMs: 500, log: silentLogger() }).states()).rejects.toThrow(/Cannot reach fleet at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('checks health Consul-style: HTTP 2xx / exit 0 pass, exit 1 warns, the rest is critical', async () => {
    const { fake } = await manualFake();
    const fleet = scheduler(fake);
    const target = { unit: 'x@2.service', instance: '2', machine: { id: 'm', ip: '127.0.0.1', metadata: {} } };
    const url = new URL(fake.url);
    expect(await fleet.checkHealth({ http: `http://{ip}:${url.port}/fleet/v1/machines`, timeoutMs: 500 }, target)).toMatchObject({ status: 'passing' });
    expect(await fleet.checkHealth({ http: `http://{ip}:${url.port}/fleet/v1/nope`, timeoutMs: 500 }, target)).toMatchObject({ status: 'critical', output: expect.stringContaining('HTTP 404') });
    expect(await fleet.checkHealth({ command: ['sh', '-c', 'echo {unit} {instance}; exit 0'], timeoutMs: 2000 }, target)).toEqual({ status: 'passing', output: 'x@2.service 2' });
    expect(await fleet.checkHealth({ command: ['sh', '-c', 'echo slow; exit 1'], timeoutMs: 2000 }, target)).toMatchObject({ status: 'warning' });
    expect(await fleet.checkHealth({ command: ['sh', '-c', 'exit 2'], timeoutMs: 2000 }, target)).toMatchObject({ status: 'critical' });
    expect(await fleet.checkHealth({ command: ['no-such-checker'], timeoutMs: 2000 }, target)).toEqual({ status: 'critical', output: 'command not found: no-such-checker' });
  });
});
