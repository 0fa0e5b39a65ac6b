import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/alerts/rule.js';
import { unitNotRunning } from '../../src/alerts/rules/unit-not-running.rule.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { startDeployBot, type DeployBot } from './deploy-harness.js';

/** `/dev units restart <unit>`: stop, wait until stopped, start, wait until active, on the same machine. */
describe('restarting a unit', () => {
  let bot: DeployBot;
  beforeAll(async () => {
    bot = await startDeployBot();
  });
  afterAll(async () => {
    await bot?.close();
  });

  async function launch(name: string): Promise<void> {
    const body = { desiredState: 'launched', options: [{ section: 'Service', name: 'ExecStart', value: '/usr/bin/docker run team/restart-me' }] };
    const put = await fetch(`${bot.fleet.url}/fleet/v1/units/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(put.status).toBe(201);
    expect((await bot.runToEnd(`units start ${name}`)).outcome).toBe('succeeded');
  }

  it('stops the unit, starts it again, waits until it is active, and says where', async () => {
    await launch('restart-me.service');
    const machine = bot.fleet.states().find((s) => s.name === 'restart-me.service')!.machineID;
    const before = bot.fleet.transitions().length;

    const result = await bot.runToEnd('units restart restart-me');
    expect(result.outcome, result.summary).toBe('succeeded');
    expect(result.summary).toMatch(new RegExp(`^restart-me\\.service restarted: active on ${machine.slice(0, 8)} \\(127\\.[\\d.]+\\)\\.$`));
    // It really went down and came back up, in that order, on the machine it ran on.
    const seen = bot.fleet.transitions().slice(before).filter((t) => t.unit === 'restart-me.service');
    const inactive = seen.findIndex((t) => t.state.startsWith('inactive'));
    const active = seen.findLastIndex((t) => t.state.startsWith('active'));
    expect(inactive, JSON.stringify(seen)).toBeGreaterThanOrEqual(0);
    expect(active).toBeGreaterThan(inactive);
    expect(seen.every((t) => t.machineId === machine)).toBe(true);
    const audited = await bot.deps.audit.latest({ target: 'restart-me', limit: 10 });
    expect(audited.filter((e) => e.jobId === result.jobId).map((e) => [e.user, e.text, e.outcome ?? e.decision])).toEqual(expect.arrayContaining([['alice', 'units restart restart-me', 'succeeded']]));
    expect(await bot.lastMessageOf(result.jobId)).toMatch(/Set restart-me\.service to loaded[\s\S]*Wait until restart-me\.service is stopped[\s\S]*Set restart-me\.service to launched[\s\S]*Wait until restart-me\.service is active/);
  });

  it('refuses a template, and a unit fleet does not have', async () => {
    expect(await bot.runToEnd('units restart web@.service')).toMatchObject({ outcome: 'failed', summary: expect.stringContaining('web@.service is a template; start, stop or restart one of its instances (web@1.service)') });
    expect(await bot.runToEnd('units restart nothing.service')).toMatchObject({ outcome: 'failed', summary: expect.stringContaining('fleet has no unit nothing.service') });
  });

  it('the unit-not-running alert\'s Restart unit button restarts it as the clicker, and the ACL refuses a stranger', async () => {
    await launch('clicked.service');
    // The rule, over fleet's real answer with the unit reported failed (as a crashed container leaves it).
    const scheduler = bot.deps.schedulerFor('local');
    const [units, states, machines] = await Promise.all([scheduler.units(), scheduler.states(), scheduler.machines()]);
    const failed = states.map((st) => (st.name === 'clicked.service' ? { ...st, activeState: 'failed', subState: 'failed' } : st));
    const snapshot = { environment: 'local', config: bot.deps.config.environments['local']!, at: new Date(), databases: {}, fleet: { units, states: failed, machines } } as unknown as Snapshot;
    const command = unitNotRunning.evaluate(snapshot).find((f) => f.subject === 'clicked.service')?.command;
    expect(command).toEqual({ label: 'Restart unit', text: 'units restart clicked.service --env local' });

    const click = (user: string) => handleAction({ action: 'command', value: command!.text, user, channel: 'ops', channelName: 'ops', transport: { kind: 'console', session: 'restart-click' }, requestId: `click-${user}-${Date.now()}` }, bot.deps);
    const refused = await click('mallory');
    expect(refused.outcome).not.toBe('queued');
    expect(refused.text).toMatch(/not allowed|not authorized/i);
    const clicked = await click('bob');
    expect(clicked.outcome, clicked.text).toBe('queued');
    await bot.deps.queue.waitUntilFinished(clicked.jobId!, 30_000);
    const result = (await bot.deps.jobState.load(clicked.jobId!))?.result;
    expect(result?.summary).toMatch(/^clicked\.service restarted: active on /);
    const [audited] = await bot.deps.audit.latest({ user: 'bob', target: 'clicked.service', limit: 1 });
    expect(audited).toMatchObject({ user: 'bob', jobId: clicked.jobId });
  });
});
