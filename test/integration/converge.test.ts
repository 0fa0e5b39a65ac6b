import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dependencyGraph } from '../../src/units/dependency-order.js';
import { loadCatalog } from '../../src/units/load-catalog.js';
import { renderCatalog } from '../../src/units/render-units.js';
import { startConvergeBot, type ConvergeBot } from './converge-harness.js';

/**
 * `/dev converge` with the full catalog (config/services.yaml) on the demo's six machines, over a
 * fleet fake that reports late and keeps stale rows. Each case starts from an empty fleet of its own.
 */
describe('/dev converge', () => {
  let bot: ConvergeBot | undefined;
  const start = async (opts?: Parameters<typeof startConvergeBot>[0]) => (bot = await startConvergeBot(opts));
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  // As converge renders it: the environment's fleet.startTimeoutMs fills each service's TimeoutStartSec=.
  const catalogOf = (b: ConvergeBot) => loadCatalog(b.catalogFile, { startTimeoutMs: b.deps.config.environments['local']!.fleet!.startTimeoutMs });
  const running = (b: ConvergeBot) => renderCatalog(catalogOf(b)).filter((u) => u.role === 'unit');
  /** Every unit of the catalog active, with the file the catalog renders, on as many machines as it should be. */
  const allActive = (b: ConvergeBot) =>
    running(b).map((u) => {
      const rows = b.fleet.states().filter((s) => s.name === u.name && s.hash === u.hash);
      return `${u.name} ${rows.length ? [...new Set(rows.map((r) => r.systemdActiveState))].join('/') : 'absent'}`;
    });
  const expectAllActive = (b: ConvergeBot) => expect(allActive(b)).toEqual(running(b).map((u) => `${u.name} active`));

  it('from empty, brings every service up, none before what it needs, and records each one', async () => {
    const b = await start();
    const result = await b.runToEnd('converge');
    expect(result.outcome, result.summary).toBe('succeeded');
    const services = Object.keys(catalogOf(b).services);
    expect(result.summary).toMatch(new RegExp(`^local matches the catalog: ${services.length} services, ${running(b).length} units active \\(${services.length} changed: .*; 0 kept\\) in [\\d.]+ s\\.$`));
    expectAllActive(b);
    expect(b.fleet.states().filter((s) => s.name === 'btsync.service')).toHaveLength(6); // global: every machine

    // Order: every unit of a service became active after every unit of what it needs (fleet's own clock).
    const firstActive = new Map<string, number>();
    for (const t of b.fleet.transitions()) if (t.state === 'active running' && !firstActive.has(`${t.unit}@${t.machineId}`)) firstActive.set(`${t.unit}@${t.machineId}`, t.at);
    const times = (service: string) => [...firstActive].filter(([k]) => k.startsWith(`${service}.`) || k.startsWith(`${service}@`)).map(([, at]) => at);
    for (const [service, needs] of Object.entries(dependencyGraph(catalogOf(b)))) {
      for (const need of needs) expect(Math.min(...times(service)), `${service} after ${need}`).toBeGreaterThan(Math.max(...times(need)));
    }

    const message = await b.lastMessageOf(result.jobId);
    expect(message).toMatch(/^✓ gerrit 2\.15: active$/m);
    expect(message).toMatch(/^✓ rest-proxy-geo 0\.9\.4: active$/m);
    const records = await b.deps.deploymentsFor('local').list({ limit: 50 });
    expect(records.map((r) => `${r.service} ${r.kind} ${r.version} ${r.outcome}`).sort()).toEqual(services.map((s) => `${s} converge ${catalogOf(b).services[s]!.version} succeeded`).sort());
    const thread = await b.threadOf(result.jobId);
    expect(thread).toContain('Plan: gerrit 2.15: create — gerrit.service create; after btsync, postgres-ambassador');
  }, 60_000);

  it('a second run keeps everything and makes no fleet writes', async () => {
    const b = await start();
    expect((await b.runToEnd('converge')).outcome).toBe('succeeded');
    const writes = b.writes().length;
    const again = await b.runToEnd('converge');
    const n = Object.keys(catalogOf(b).services).length;
    expect(again.summary).toMatch(new RegExp(`^local matches the catalog: ${n} services, ${running(b).length} units active \\(0 changed; ${n} kept\\) in [\\d.]+ s\\.$`));
    expect(b.writes()).toHaveLength(writes);
    expect(await b.lastMessageOf(again.jobId)).toMatch(/^✓ keys 1\.1\.0: unchanged, active$/m);
  }, 60_000);

  it('replaces only the service whose catalog entry changed', async () => {
    const b = await start();
    expect((await b.runToEnd('converge')).outcome).toBe('succeeded');
    const before = b.writes().length;
    writeFileSync(b.catalogFile, readFileSync(b.catalogFile, 'utf8').replace('version: "1.1.0"', 'version: "1.2.0"'));
    const result = await b.runToEnd('converge');
    expect(result.summary).toContain(`(1 changed: keys; ${Object.keys(catalogOf(b).services).length - 1} kept)`);
    expect(b.writes().slice(before).map((w) => `${w.method} ${decodeURIComponent(w.path)}`)).toEqual(['DELETE /fleet/v1/units/keys.service', 'PUT /fleet/v1/units/keys.service']);
    expect((await b.threadOf(result.jobId))).toContain('Plan: keys 1.1.0 → 1.2.0: update — keys.service replace (unit file changed)');
    expectAllActive(b);
    const [keys] = await b.deps.deploymentsFor('local').list({ service: 'keys', limit: 1 });
    expect(keys).toMatchObject({ kind: 'converge', version: '1.2.0', previousVersion: '1.1.0', outcome: 'succeeded' });
  }, 60_000);

  it('stops at a crash-looping service: its dependants do not start, what was in flight finishes, Retry converges the rest', async () => {
    const b = await start();
    const loop = b.fleet.injectFailure({ kind: 'crash-loop', unit: 'redis-ambassador.service' });
    const result = await b.runToEnd('converge');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/^Converge of local stopped: redis-ambassador \(redis-ambassador\.service is crash-looping: systemd restarted it \d+ times? \(at least\) and it did not stay active within 1\.5 s \(activating \((auto-restart|start-pre)\) on [0-9a-f]{8} /);
    expect(result.summary).toContain('Not started, as they depend on what failed: rest-proxy-geo (needs redis-ambassador), rest-proxy-maps (needs redis-ambassador).');
    expect(result.summary).toMatch(/Retry converges again, keeping what is already as the catalog says\.$/);
    const active = /Active: ([^.]+)\./.exec(result.summary)![1]!.split(', ');
    expect(active).toEqual(expect.arrayContaining(['btsync', 'postgres-ambassador']));
    for (const service of active) {
      for (const u of running(b).filter((x) => x.service === service)) expect(b.fleet.states().filter((s) => s.name === u.name && s.hash === u.hash).every((s) => s.systemdActiveState === 'active'), u.name).toBe(true);
    }
    expect(b.fleet.units().map((u) => u.name).filter((n) => n.startsWith('rest-proxy'))).toEqual([]);
    const message = await b.lastMessageOf(result.jobId);
    expect(message).toMatch(/^✗ redis-ambassador 1\.2\.0: failed \(activating \((auto-restart|start-pre)\)\)$/m);
    expect(message).toMatch(/^– rest-proxy-maps 0\.9\.4: not started: needs redis-ambassador, which did not come up$/m);
    expect(message).toContain('[Retry]');
    const [failed] = await b.deps.deploymentsFor('local').list({ service: 'redis-ambassador', limit: 1 });
    expect(failed).toMatchObject({ kind: 'converge', outcome: 'failed', detail: expect.stringContaining('crash-looping') });

    loop.clear();
    const retried = await b.runToEnd('converge');
    expect(retried.outcome, retried.summary).toBe('succeeded');
    expect(retried.summary).toMatch(/changed: .*redis-ambassador/);
    expect(retried.summary).toMatch(new RegExp(`; ${active.length} kept\\)`));
    expectAllActive(b);
  }, 60_000);

  it('removes units the catalog no longer has only with --prune, listing them otherwise', async () => {
    const b = await start();
    expect((await b.runToEnd('converge --only keys')).outcome).toBe('succeeded');
    const put = (name: string) => fetch(`${b.fleet.url}/fleet/v1/units/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ desiredState: 'launched', options: [{ section: 'Service', name: 'ExecStart', value: '/usr/bin/docker run old/app' }] }) });
    expect((await put('old-app.service')).status).toBe(201);
    expect((await put('keys@9.service')).status).toBe(201);

    const listed = await b.runToEnd('converge --only keys');
    expect(listed.summary).toMatch(/\(0 changed; 1 kept\)/);
    expect(b.fleet.units().map((u) => u.name)).toEqual(expect.arrayContaining(['old-app.service', 'keys@9.service']));

    const all = await b.runToEnd('converge --only btsync');
    expect(all.outcome).toBe('succeeded');
    const plain = await b.runToEnd('converge');
    expect(plain.summary).toMatch(/Not in the catalog, left alone \(--prune removes them\): old-app\.service\.$/);
    expect(await b.threadOf(plain.jobId)).toContain('Plan: old-app.service: not in the catalog — left alone (--prune removes it)');

    const pruned = await b.runToEnd('converge --prune');
    expect(pruned.outcome, pruned.summary).toBe('succeeded');
    expect(pruned.summary).toMatch(/; removed old-app\.service in /);
    expect(b.fleet.units().map((u) => u.name)).not.toContain('old-app.service');
    expect(b.fleet.units().map((u) => u.name)).not.toContain('keys@9.service');
    expect(await b.threadOf(pruned.jobId)).toContain('✓ Remove keys@9.service (no longer in the catalog)');
  }, 60_000);

  it('refuses a catalog with a dependency cycle, naming it, and touches nothing', async () => {
    const b = await start();
    const result = await b.runToEnd('converge --env cyclic');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toContain('services: dependency cycle cache → queue → web → cache (after, requires or machineOf): none of them could start first');
    expect(b.writes()).toEqual([]);
  });

  it('waits for a deploy of gerrit that holds its lock, saying so, then converges gerrit', async () => {
    const b = await start();
    const target = 'service/gerrit@local';
    expect(await b.deps.locks.acquire({ target, jobId: 'deploy-held', user: 'bob', since: new Date().toISOString(), text: 'deploy gerrit' }, 60_000)).toEqual({ acquired: true });
    const reply = await b.command('converge');
    await expect.poll(async () => (await b.threadOf(reply.jobId!)).some((l) => l.startsWith('gerrit: waiting: service/gerrit@local is locked by <@bob> (job deploy-held, `/dev deploy gerrit`)')), { timeout: 20_000, interval: 50 }).toBe(true);
    await expect.poll(() => b.lastMessageOf(reply.jobId!), { timeout: 5_000, interval: 50 }).toMatch(/^· gerrit 2\.15: waiting for its lock: service\/gerrit@local is locked by <@bob>/m);
    const second = await b.command('converge', 'bob');
    expect(second.text).toMatch(new RegExp(`^:lock: \`converge@local\` is busy: <@alice> holds it since \\d\\d:\\d\\d:\\d\\d UTC with job \`${reply.jobId}\``));
    await b.deps.locks.release(target, 'deploy-held');
    const result = await b.resultOf(reply.jobId!);
    expect(result.outcome, result.summary).toBe('succeeded');
    expectAllActive(b);
  }, 60_000);

  it('gives gerrit up when the deploy holds its lock past fleet.convergeLockWaitMs, naming the holder', async () => {
    const b = await start({ lockWaitMs: 500 });
    await b.deps.locks.acquire({ target: 'service/gerrit@local', jobId: 'deploy-long', user: 'bob', since: new Date().toISOString(), text: 'deploy gerrit --version 2.16' }, 60_000);
    const result = await b.runToEnd('converge');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/^Converge of local stopped: gerrit \(service\/gerrit@local is locked by <@bob> \(job deploy-long, `\/dev deploy gerrit --version 2\.16`\) since .* Converge waited 1 s for it and left the service alone; Retry once that job is done\)\./);
    expect(b.fleet.units().map((u) => u.name)).not.toContain('gerrit.service');
  }, 60_000);

  it('in a protected environment, shows the plan above Confirm first', async () => {
    const b = await start();
    const reply = await b.command('converge --env prod', 'bob');
    expect(reply.text).toMatch(/^Preparing a preview of `\/dev converge --env prod`/);
    await b.deps.queue.waitUntilFinished(reply.jobId!, 20_000);
    const preview = b.chat.messages.find((m) => m.op === 'post' && m.message.text.startsWith('Confirm /dev converge --env prod in prod?'))!.message.text;
    const n = Object.keys(catalogOf(b).services).length;
    expect(preview).toContain(`Converge of prod: ${n} of ${n} services to change`);
    expect(preview).toContain('  btsync 2.7.2: create — btsync.service create');
    expect(preview).toContain('  gerrit 2.15: create — gerrit.service create; after btsync, postgres-ambassador');
    expect(b.writes()).toEqual([]);
  });
});
