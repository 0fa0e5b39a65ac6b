import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDeployBot, type DeployBot } from './deploy-harness.js';

/**
 * A deploy of a unit whose container keeps crashing (Restart=always, as every catalog unit has):
 * systemd cycles it through `activating (auto-restart)`; devbot reports it failed after its start
 * timeout instead of waiting forever (test/unit/jobs/wait-for-unit.test.ts: nor does it take the
 * moments it is `active (running)` between two crashes for a unit that came up).
 */
describe('deploying a crash-looping unit', () => {
  let bot: DeployBot | undefined;
  beforeEach(async () => {
    bot = await startDeployBot();
  });
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  it('reports it failed after its start timeout, with the restarts and the state it was left in', async () => {
    const b = bot!;
    b.fleet.injectFailure({ kind: 'crash-loop', image: 'team/solo:8' });
    const started = Date.now();
    const result = await b.runToEnd('deploy solo --version 8');
    expect(result.outcome).toBe('failed');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.summary).toMatch(/^solo\.service is crash-looping: systemd restarted it \d+ times? \(at least\) and it did not stay active within 1\.5 s \(activating \((auto-restart|start-pre)\) on [0-9a-f]{8} \(127\.[\d.]+\)\)\. Stopped there\./);
    expect(await b.threadOf(result.jobId)).toContain(`solo.service: activating (auto-restart) on ${b.fleet.states().find((s) => s.name === 'solo.service')!.machineID.slice(0, 8)} (${b.fleet.machines.find((m) => m.id === b.fleet.states().find((s) => s.name === 'solo.service')!.machineID)!.ip})`);
    const [record] = await b.deps.deploymentsFor('local').list({ service: 'solo', limit: 1 });
    expect(record).toMatchObject({ version: '8', outcome: 'failed', detail: expect.stringContaining('crash-looping') });
  });
});
