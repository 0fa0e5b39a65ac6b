import { afterEach, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../../src/alerts/rules/index.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { startConvergeBot, type ConvergeBot } from './converge-harness.js';

/** `/dev drift`, and the catalog-drift alert with its Converge button, against the full catalog on the fleet fake. */
describe('drift from the catalog', () => {
  let bot: ConvergeBot | undefined;
  afterEach(async () => {
    await bot?.close();
    bot = undefined;
  });

  const put = (b: ConvergeBot, name: string, value: string) =>
    fetch(`${b.fleet.url}/fleet/v1/units/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ desiredState: 'launched', options: [{ section: 'Service', name: 'ExecStart', value }] }) });

  it('/dev drift lists services without units, changed unit files and units the catalog does not know', async () => {
    const b = (bot = await startConvergeBot());
    const empty = await b.runToEnd('drift');
    expect(empty.summary).toBe('fleet differs from the catalog: 15 services have no units');
    expect(await b.lastMessageOf(empty.jobId)).toContain('  gerrit: in the catalog, no units in fleet');

    expect((await b.runToEnd('converge --only keys')).outcome).toBe('succeeded');
    // keys is up; someone changes its unit by hand, and adds a unit nobody declared
    expect((await fetch(`${b.fleet.url}/fleet/v1/units/keys.service`, { method: 'DELETE' })).status).toBe(204);
    expect((await put(b, 'keys.service', '/usr/bin/docker run devteam/keymanager:hotfix')).status).toBe(201);
    expect((await put(b, 'old-app.service', '/usr/bin/docker run old/app')).status).toBe(201);
    const drift = await b.runToEnd('drift');
    expect(drift.summary).toBe('fleet differs from the catalog: 1 unit differs, 14 services have no units, 1 unit unknown to the catalog');
    const text = await b.lastMessageOf(drift.jobId);
    expect(text).toContain('  keys.service: its unit file differs from what the catalog renders for keys');
    expect(text).toContain('  old-app.service: fleet runs it, the catalog does not know it');
    expect(text).toContain('`/dev converge --env local` brings fleet back to the catalog; with `--prune` it also removes the units the catalog does not know.');
  });

  it('fires catalog-drift with a Converge button, which runs /dev converge, and resolves once fleet matches', async () => {
    const b = (bot = await startConvergeBot({ alerts: true }));
    const evaluate = () => evaluateAlerts({ ...b.deps, rules: ALERT_RULES });
    expect((await b.runToEnd('converge')).outcome).toBe('succeeded');
    await evaluate();
    const alerts = () => b.chat.messages.filter((m) => /catalog/.test(m.message.text) && /^(WARNING|RESOLVED)/.test(m.message.text));
    expect(alerts()).toEqual([]);

    expect((await fetch(`${b.fleet.url}/fleet/v1/units/keys.service`, { method: 'DELETE' })).status).toBe(204);
    expect((await put(b, 'keys.service', '/usr/bin/docker run devteam/keymanager:hotfix')).status).toBe(201);
    await evaluate();
    const [fired] = alerts();
    expect(fired?.message.text).toMatch(/^WARNING: fleet in local differs from the service catalog: 1 unit differs\n {2}- keys\.service: its unit file differs from what the catalog renders for keys\n/);
    const buttons = (fired!.message.blocks ?? []).flatMap((bl) => (bl.type === 'actions' ? (bl.elements as Array<{ action_id: string; value?: string; text: { text: string } }>) : []));
    const converge = buttons.find((x) => x.text.text === 'Converge');
    expect(converge).toMatchObject({ action_id: 'devbot_command', value: 'converge --env local' });

    // The click, as the Slack adapter hands it over: the command runs as if alice typed it (ACL, confirm, audit).
    const clicked = await handleAction({ action: 'command', value: converge!.value!, user: 'alice', channel: 'ops', channelName: 'ops', transport: { kind: 'console', session: 'drift-test' }, requestId: 'click-converge' }, b.deps);
    expect(clicked.outcome, clicked.text).toBe('queued');
    const result = await b.resultOf(clicked.jobId!);
    expect(result.summary).toMatch(/\(1 changed: keys; 14 kept\)/);
    await evaluate();
    expect(alerts().at(-1)?.op).toBe('update');
    expect(alerts().at(-1)?.message.text).toMatch(/^RESOLVED after \d+ s: fleet in local differs from the service catalog/);
  }, 60_000);
});
