import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { evaluateAlerts } from '../../src/alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../../src/alerts/rules/index.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';

/** The team's silent failure: fleet died on a worker and the machine list quietly shrank. Now it is loud. */
describe('alerts on fleet (the fleet API fake over HTTP)', () => {
  let fake: Awaited<ReturnType<typeof startFakeSlackApi>>;
  let fleet: FleetFake;
  let deps: BuiltDeps;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    fleet = await startFleetFake({ machines: [{ name: 'w1', metadata: { role: 'worker' } }, { name: 'w2', metadata: { role: 'worker' } }, { name: 'w3', metadata: { role: 'worker' } }], containers: false });
    const config = loadConfig({
      documents: [`
redis: { prefix: ${uniqueName('alerts-fleet')} }
environments:
  local:
    etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] }
    fleet: { url: ${fleet.url} }
channels: { ops: { id: C_ALERTS, environment: local } }
alerts: { rules: { machine-gone: { forMs: 0 } } }
`],
      env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-fleet-alerts', DEVBOT_SLACK_API_URL: fake.url },
    });
    deps = buildDeps(config, silentLogger());
  });

  afterAll(async () => {
    await deps?.close();
    await fleet?.close();
    await fake?.close();
  });

  const evaluate = () => evaluateAlerts({ ...deps, rules: ALERT_RULES });

  it('a machine leaving fleet fires one alert naming it, resolved in place when it is back', async () => {
    await evaluate(); // machines become known
    const from = Date.now();
    const gone = fleet.machines[1]!;
    fleet.removeMachine(gone.id);
    await evaluate();
    const alert = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= from && /left fleet/.test(String(c.params['text'])), 5000);
    expect(String(alert.params['text'])).toMatch(new RegExp(`^CRITICAL: machine ${gone.id.slice(0, 8)} \\(.*role=worker\\) left fleet in local`));
    await evaluate();
    expect(fake.callsTo('chat.postMessage').filter((c) => c.receivedAt >= from)).toHaveLength(1);

    fleet.addMachine({ name: 'w2', metadata: { role: 'worker' } });
    await evaluate();
    const resolved = await fake.waitForCall('chat.update', (c) => c.receivedAt >= from && /^RESOLVED/.test(String(c.params['text'])), 5000);
    expect(resolved.params['ts']).toBeDefined();
  });
});
