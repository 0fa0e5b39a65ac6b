import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/units/load-catalog.js';
import { renderService } from '../../src/units/render-units.js';
import { startDeployBot, type DeployBot } from './deploy-harness.js';

/** `/dev deploy`, `/dev units`, `/dev deployments` and the units part of `/dev status`, end to end. */
describe('deploying through fleet', () => {
  let bot: DeployBot;
  const hashOf = (service: string, version: string) => {
    const env = bot.deps.config.environments['local']!;
    return renderService(service, loadCatalog(env.fleet!.catalog, { startTimeoutMs: env.fleet!.startTimeoutMs }), version).find((u) => u.role === 'unit')!.hash;
  };

  beforeAll(async () => {
    bot = await startDeployBot();
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('rolls a service out one instance at a time, each active and healthy before the next, and records it in etcd', async () => {
    const result = await bot.runToEnd('deploy web --version 1.1');
    expect(result.outcome, result.summary).toBe('succeeded');
    expect(result.summary).toMatch(/^web 1\.1 in local: 3\/3 instances active and healthy \(web@1\.service active and healthy on [0-9a-f]{8} \(127\.[\d.]+\); web@2\.service .*; web@3\.service .*\) in [\d.]+ s\.$/);

    // Rolling: each instance is active and has passed its check before the next one is submitted.
    const thread = await bot.threadOf(result.jobId);
    const at = (pattern: RegExp) => thread.findIndex((l) => pattern.test(l));
    for (const [i, next] of [[1, 2], [2, 3]] as const) {
      expect(at(new RegExp(`^web@${i}\\.service: health passing`)), thread.join('\n')).toBeGreaterThan(at(new RegExp(`^web@${i}\\.service: active \\(running\\)`)));
      expect(at(new RegExp(`^web@${next}\\.service: `))).toBeGreaterThan(at(new RegExp(`^web@${i}\\.service: health passing`)));
    }
    const machines = new Set(bot.fleet.states().filter((s) => s.name.startsWith('web@')).map((s) => s.machineID));
    expect(machines.size).toBe(3); // spread over the three main machines (Conflicts=web@*.service)

    const [record] = await bot.deps.deploymentsFor('local').list({ service: 'web', limit: 5 });
    expect(record).toMatchObject({ service: 'web', version: '1.1', kind: 'deploy', outcome: 'succeeded', user: 'alice', jobId: result.jobId });
    expect(record!.units).toEqual({ 'web@.service': hashOf('web', '1.1'), 'web@1.service': hashOf('web', '1.1'), 'web@2.service': hashOf('web', '1.1'), 'web@3.service': hashOf('web', '1.1') });
    const etcd = new Etcd3({ hosts: inject('etcd').endpoints });
    try {
      expect(await etcd.getAll().prefix(`${bot.historyPrefix}/local/web/`).keys()).toEqual([expect.stringMatching(new RegExp(`/web/\\d{13}-${result.jobId}$`))]);
    } finally {
      etcd.close();
    }
  });

  it('does nothing when the version already runs', async () => {
    const result = await bot.runToEnd('deploy web --version 1.1');
    expect(result.summary).toBe('web already runs 1.1 in local: 3/3 active, nothing to change.');
  });

  it('lists units with their state and machine, stops and starts one, and shows them in /dev status', async () => {
    expect((await bot.runToEnd('deploy solo')).outcome).toBe('succeeded');
    const listed = await bot.runToEnd('units list web');
    expect(listed.summary).toBe('Units matching web in local: 3 active, 0 failed, 0 other');
    const text = await bot.lastMessageOf(listed.jobId);
    expect(text).toMatch(/^web@\.service · template/m);
    expect(text).toMatch(/^web@2\.service · desired launched · active \(running\) on [0-9a-f]{8} 127\.[\d.]+$/m);
    expect(text).toMatch(/^Machines \(4\):$/m);
    expect(text).toMatch(/^[0-9a-f]{8} 127\.[\d.]+ · role=worker az=a · 1 unit\(s\)$/m);
    expect(text).not.toContain('SESSION_SECRET'); // unit contents never reach chat

    const stopped = await bot.runToEnd('units stop solo.service');
    expect(stopped.summary).toMatch(/^solo\.service is stopped \(still loaded on [0-9a-f]{8} \(127\.[\d.]+\); `\/dev units start solo\.service` starts it again\)\.$/);
    expect(bot.fleet.states().find((s) => s.name === 'solo.service')).toMatchObject({ systemdActiveState: 'inactive' });

    const status = await bot.runToEnd('status');
    const report = await bot.lastMessageOf(status.jobId);
    expect(report).toMatch(/\[OK\] web: 3\/3 active on [0-9a-f]{8} 127\.[\d.]+, /);
    expect(report).toMatch(/\[WARN\] solo: 0\/1 active/);
    expect(report).toMatch(/\[INFO\] machine [0-9a-f]{8}: 127\.[\d.]+ · role=main az=b · 1 unit\(s\)/);

    const started = await bot.runToEnd('units start solo');
    expect(started.summary).toMatch(/^solo\.service is active on [0-9a-f]{8} \(127\.[\d.]+\)\.$/);
    expect(await bot.runToEnd('units start nothing.service')).toMatchObject({ outcome: 'failed', summary: expect.stringContaining('fleet has no unit nothing.service') });
  });

  it('lists the history with /dev deployments', async () => {
    const result = await bot.runToEnd('deployments');
    expect(result.summary).toBe('2 deployments recorded');
    const text = await bot.lastMessageOf(result.jobId);
    expect(text.split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(/^✓ \d{4}-\d\d-\d\d \d\d:\d\d UTC · solo 7 · deploy succeeded · <@alice> · job deploy-[0-9a-f]+ · 1 unit\(s\)$/),
      expect.stringMatching(/^✓ .* · web 1\.1 · deploy succeeded · <@alice> · job deploy-[0-9a-f]+ · 4 unit\(s\)$/),
    ]);
  });

  it('refuses a second deploy (or rollback) of a service while one runs', async () => {
    const first = await bot.command('deploy web --version 1.2');
    expect(first.outcome).toBe('queued');
    for (const text of ['deploy web --version 1.3', 'rollback web']) {
      const second = await bot.command(text, 'bob');
      expect(second.outcome).toBe('error');
      expect(second.text).toMatch(new RegExp(`^:lock: \`service/web@local\` is busy: <@alice> holds it since \\d\\d:\\d\\d:\\d\\d UTC with job \`${first.jobId}\` \\(\`/dev deploy web --version 1\\.2\`\\)`));
    }
    await bot.deps.queue.waitUntilFinished(first.jobId!, 20_000);
    expect((await bot.deps.jobState.load(first.jobId!))?.result?.outcome).toBe('succeeded');
    expect(bot.fleet.states().filter((s) => s.name.startsWith('web@')).map((s) => s.hash)).toEqual(Array(3).fill(hashOf('web', '1.2')));
  });

  it('asks for confirmation in a protected environment, showing the units and versions', async () => {
    const reply = await bot.command('deploy web --env prod', 'bob');
    expect(reply.text).toMatch(/^Preparing a preview of `\/dev deploy web --env prod`/);
    await bot.deps.queue.waitUntilFinished(reply.jobId!, 10_000);
    const preview = bot.chat.messages.find((m) => m.op === 'post' && m.message.text.startsWith('Confirm /dev deploy web --env prod in prod?'))!.message.text;
    expect(preview).toContain('Deploy of web in prod: 1.0 (no earlier deployment recorded)');
    expect(preview).toMatch(/ {2}web@\.service — create \[template\]\n {2}web@1\.service — create\n {2}web@2\.service — create\n {2}web@3\.service — create/);
    expect(preview).toContain('One instance at a time: each must be active and passing its health check (HTTP http://{ip}:');
    expect(bot.prodFleet.units()).toEqual([]);
    const confirmed = await bot.confirm(reply.jobId!, 'alice');
    expect(confirmed.outcome).toBe('queued');
    await bot.deps.queue.waitUntilFinished(confirmed.jobId!, 20_000);
    expect((await bot.deps.jobState.load(confirmed.jobId!))?.result).toMatchObject({ outcome: 'succeeded', summary: expect.stringMatching(/^web 1\.0 in prod: 3\/3 instances active and healthy/) });
  });
});
