import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/units/load-catalog.js';
import { renderService } from '../../src/units/render-units.js';
import { startDeployBot, type DeployBot } from './deploy-harness.js';

/**
 * A deploy that fails midway stops there, says which unit failed and how, and `/dev rollback` puts
 * the previous version back. Every case starts from an installation of its own (fleet, history,
 * queue): web 1.0 deployed and healthy, nothing else recorded; so each passes alone.
 */
describe('a deploy that fails midway, and the rollback', () => {
  let bot: DeployBot | undefined;
  const started = (): DeployBot => {
    if (!bot) throw new Error('the bot did not start');
    return bot;
  };
  // As deploy renders it: the environment's fleet.startTimeoutMs fills the service's TimeoutStartSec=.
  const hashOf = (version: string) => {
    const fleet = started().deps.config.environments['local']!.fleet!;
    return renderService('web', loadCatalog(fleet.catalog, { startTimeoutMs: fleet.startTimeoutMs }), version).find((u) => u.role === 'unit')!.hash;
  };
  const webStates = () => Object.fromEntries(started().fleet.states().filter((s) => s.name.startsWith('web@')).map((s) => [s.name, { hash: s.hash, active: s.systemdActiveState }]));

  beforeEach(async () => {
    bot = await startDeployBot();
    expect((await bot.runToEnd('deploy web --version 1.0')).outcome).toBe('succeeded');
  });
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('stops at the unit that failed, names its state and machine, leaves the rest, records the failure and offers a rollback', async () => {
    const bot = started();
    // The second instance of 2.0 fails to start (its ExecStartPre pulls an image that does not run).
    bot.fleet.injectFailure({ kind: 'start', unit: 'web@2.service', match: 'team/web:2.0' });
    const result = await bot.runToEnd('deploy web --version 2.0');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(
      /^web@2\.service failed: systemd reports failed \(failed\) on [0-9a-f]{8} \(127\.[\d.]+\)\. Stopped there\. Done before: web@1\.service active and healthy on [0-9a-f]{8} \(127\.[\d.]+\)\. Not touched: web@3\.service \(still 1\.0\)\. Roll back to 1\.0 with `\/dev rollback web --env local`\.$/,
    );
    expect(await bot.lastMessageOf(result.jobId)).toContain('[Retry]');
    expect(webStates()).toEqual({
      'web@1.service': { hash: hashOf('2.0'), active: 'active' },
      'web@2.service': { hash: hashOf('2.0'), active: 'failed' },
      'web@3.service': { hash: hashOf('1.0'), active: 'active' },
    });
    const [failed] = await bot.deps.deploymentsFor('local').list({ service: 'web', limit: 1 });
    expect(failed).toMatchObject({ version: '2.0', previousVersion: '1.0', outcome: 'failed', detail: expect.stringMatching(/^web@2\.service failed: systemd reports failed/) });
  });

  it('rolls back to the version that ran before, one instance at a time, and records the rollback', async () => {
    const bot = started();
    bot.fleet.injectFailure({ kind: 'start', unit: 'web@2.service', match: 'team/web:2.0' });
    expect((await bot.runToEnd('deploy web --version 2.0')).outcome).toBe('failed');
    bot.fleet.clearFailures();
    const baseline = (await bot.deps.deploymentsFor('local').list({ service: 'web', limit: 5 })).at(-1)!;
    expect(baseline).toMatchObject({ kind: 'deploy', version: '1.0', outcome: 'succeeded' });
    const result = await bot.runToEnd('rollback web');
    expect(result.outcome, result.summary).toBe('succeeded');
    expect(result.summary).toMatch(/^web 2\.0 → 1\.0 in local: 3\/3 instances active and healthy \(web@1\.service active and healthy on .*; web@2\.service active and healthy on .*; web@3\.service unchanged and active\)/);
    expect(await bot.threadOf(result.jobId)).toContain(`Rolling back to 1.0, deployed ${baseline.at} by <@alice> (job ${baseline.jobId}).`);
    expect(webStates()).toEqual({
      'web@1.service': { hash: hashOf('1.0'), active: 'active' },
      'web@2.service': { hash: hashOf('1.0'), active: 'active' },
      'web@3.service': { hash: hashOf('1.0'), active: 'active' },
    });
    const history = await bot.deps.deploymentsFor('local').list({ service: 'web', limit: 5 });
    expect(history.map((r) => `${r.kind} ${r.version} ${r.outcome}`)).toEqual(['rollback 1.0 succeeded', 'deploy 2.0 failed', 'deploy 1.0 succeeded']);
  });

  it('stops when an instance is active but fails its health check', async () => {
    const bot = started();
    bot.fleet.injectFailure({ kind: 'unhealthy', unit: 'web@1.service', match: 'team/web:3.0' });
    const result = await bot.runToEnd('deploy web --version 3.0');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(
      /^web@1\.service is active on [0-9a-f]{8} \(127\.[\d.]+\) but failed its health check: HTTP 503 from http:\/\/127\.[\d.]+:\d+\/health\. Stopped there\. Not touched: web@2\.service, web@3\.service \(still 1\.0\)\. Roll back to 1\.0 with `\/dev rollback web --env local`\.$/,
    );
    expect((await bot.runToEnd('rollback web')).summary).toMatch(/^web 3\.0 → 1\.0 in local: 3\/3 instances active and healthy/);
  });

  it('says plainly when fleet fails under it', async () => {
    const bot = started();
    bot.fleet.injectFailure({ kind: 'api', method: 'PUT', status: 500, message: 'etcd cluster is unavailable' });
    const result = await bot.runToEnd('deploy web --version 4.0');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/^fleet answered 500 to PUT \/fleet\/v1\/units\/web%40\.service: etcd cluster is unavailable\. Stopped there\./);
  });

  it('fails a unit that stays in activating (start-pre), naming the state it was left in', async () => {
    const bot = started();
    bot.fleet.injectFailure({ kind: 'slow-start', unit: 'web@1.service', match: 'team/web:5.0', ms: 60_000 });
    const result = await bot.runToEnd('deploy web --version 5.0');
    expect(result.summary).toMatch(/^web@1\.service was not active within 1\.5 s \(activating \(start-pre\) on [0-9a-f]{8} \(127\.[\d.]+\)\)\. Stopped there\. Not touched: web@2\.service, web@3\.service/);
  });

  it('records a deploy cancelled midway as failed, so the rollback goes back to what ran before', async () => {
    const bot = started();
    bot.fleet.injectFailure({ kind: 'slow-start', unit: 'web@2.service', match: 'team/web:6.0', ms: 60_000 });
    const reply = await bot.command('deploy web --version 6.0');
    await expect.poll(() => webStates()['web@2.service']?.hash, { timeout: 5000 }).toBe(hashOf('6.0'));
    expect((await bot.command(`cancel ${reply.jobId} --yes`)).text).toBe(`Cancelling job \`${reply.jobId}\`: it stops at its next safe point, and its message will say so.`);
    await bot.deps.queue.waitUntilFinished(reply.jobId!, 10_000);
    expect((await bot.deps.jobState.load(reply.jobId!))?.result?.outcome).toBe('cancelled');
    const [cancelled] = await bot.deps.deploymentsFor('local').list({ service: 'web', limit: 1 });
    expect(cancelled).toMatchObject({ version: '6.0', outcome: 'failed', detail: expect.stringMatching(/^cancelled \(.+\) after: web@1\.service active and healthy on /) });
    expect((await bot.runToEnd('rollback web')).summary).toMatch(/^web 6\.0 → 1\.0 in local: 3\/3 instances active and healthy/);
  });

  it('refuses a rollback when no earlier version is recorded', async () => {
    const bot = started();
    expect((await bot.runToEnd('deploy solo')).outcome).toBe('succeeded');
    const result = await bot.runToEnd('rollback solo');
    expect(result).toMatchObject({ outcome: 'failed', summary: 'No version of solo other than 7 is recorded in local: nothing to roll back to. `/dev deployments solo` shows the history.' });
  });
});
