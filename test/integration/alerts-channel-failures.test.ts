import { afterEach, describe, expect, inject, it } from 'vitest';
import { createPromMetrics, type PromMetrics } from '../../src/adapters/metrics/prom-metrics.js';
import { evaluateAlerts } from '../../src/alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../../src/alerts/rules/index.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { answerAlerts } from '../../src/commands/local/alerts.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';

/**
 * An alert routed to two channels, the second of which refuses (devbot was never invited): the
 * first keeps its one message, the second is reported once with what to do. Real Redis alert
 * store, the Slack Web API fake over HTTP, the fleet API fake, the run's etcd.
 */
describe('an alert channel that refuses', () => {
  let fake: FakeSlackApi;
  let fleet: FleetFake;
  let deps: BuiltDeps;
  let metrics: PromMetrics;
  let logs: Array<Record<string, unknown>>;

  async function setUp(): Promise<void> {
    fake = await startFakeSlackApi();
    fleet = await startFleetFake({ machines: [{ name: 'w1', metadata: { role: 'worker' } }, { name: 'w2', metadata: { role: 'worker' } }], containers: false });
    const config = loadConfig({
      documents: [`
redis: { prefix: ${uniqueName('alerts-refused')} }
environments:
  local:
    etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] }
    fleet: { url: ${fleet.url} }
channels:
  ops: { id: C_OPS, environment: local }
  broken: { id: C_BROKEN, environment: local }
alerts: { channels: [ops, broken], rules: { machine-gone: { forMs: 0 } } }
`],
      env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-refused', DEVBOT_SLACK_API_URL: fake.url },
    });
    logs = [];
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } });
    metrics = createPromMetrics();
    deps = buildDeps(config, log, { metrics });
    fake.refuseChannel('C_BROKEN', 'not_in_channel');
  }

  afterEach(async () => {
    await deps?.close();
    await fleet?.close();
    await fake?.close();
  });

  const evaluate = (at?: Date) => evaluateAlerts({ ...deps, rules: ALERT_RULES, ...(at ? { now: () => at } : {}) });
  const postsTo = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === channel);
  const reports = () => logs.filter((l) => /^alerts cannot be posted to #broken/.test(String(l['msg'])));
  async function failureCount(): Promise<number | undefined> {
    const metric = await metrics.registry.getSingleMetric('devbot_alert_channel_failures_total')?.get();
    return metric?.values.find((v) => v.labels['channel'] === 'broken' && v.labels['error'] === 'not_in_channel')?.value;
  }
  /** A machine leaves fleet: machine-gone fires at the next evaluation, routed to ops then broken. */
  async function machineLeaves(): Promise<void> {
    await evaluate(); // the machines become known
    fleet.removeMachine(fleet.machines[1]!.id);
  }

  it('one good channel and one refusing channel over 10 evaluations: one message in the good one, the refusal reported once', async () => {
    await setUp();
    await machineLeaves();
    for (let i = 0; i < 10; i++) await evaluate();

    expect(postsTo('C_OPS')).toHaveLength(1);
    expect(String(postsTo('C_OPS')[0]!.params['text'])).toMatch(/left fleet in local/);
    expect(postsTo('C_BROKEN').map((c) => c.error)).toEqual(['not_in_channel']); // tried once, not every tick
    const state = (await deps.alertStore.load()).find((a) => a.key.includes('/machine-gone/'));
    expect(state?.messages.map((m) => m.channel)).toEqual(['ops']);

    // Reported once: in the logs, as a metric, and in `/dev alerts`, with what to do.
    expect(reports()).toHaveLength(1);
    expect(reports()[0]).toMatchObject({ level: 50, channel: 'broken', error: 'not_in_channel' });
    expect(String(reports()[0]!['msg'])).toContain('invite @devbot to #broken');
    expect(await failureCount()).toBe(1);
    const reply = await answerAlerts(deps);
    expect(reply.text).toMatch(/^Firing now:\n.*left fleet in local/);
    expect(reply.text.match(/#broken refused alerts \(not_in_channel\) since \d\d:\d\d:\d\d UTC: invite @devbot to #broken/g)).toHaveLength(1);
  });

  it('once devbot is invited, the next try (a minute on) posts there once and clears the report; the good channel keeps its one message', async () => {
    await setUp();
    await machineLeaves();
    await evaluate();
    expect(postsTo('C_BROKEN')).toHaveLength(1);
    fake.acceptChannel('C_BROKEN');

    const start = Date.now();
    await evaluate(new Date(start + 30_000)); // too soon to try again
    expect(postsTo('C_BROKEN')).toHaveLength(1);
    await evaluate(new Date(start + 61_000));
    await evaluate(new Date(start + 62_000));
    expect(postsTo('C_BROKEN').map((c) => c.error ?? 'ok')).toEqual(['not_in_channel', 'ok']);
    expect(postsTo('C_OPS')).toHaveLength(1);
    const state = (await deps.alertStore.load()).find((a) => a.key.includes('/machine-gone/'));
    expect(state?.messages.map((m) => m.channel)).toEqual(['ops', 'broken']);
    expect(logs.some((l) => l['msg'] === 'alerts reach #broken again')).toBe(true);
    expect(reports()).toHaveLength(1);
    expect((await answerAlerts(deps)).text).not.toMatch(/cannot reach/);
  });

  it('a passing failure (internal_error) on one channel is retried on the next evaluation and not reported; the other channel keeps its one message', async () => {
    await setUp();
    fake.acceptChannel('C_BROKEN');
    await machineLeaves();
    fake.failNext('chat.postMessage', { error: 'internal_error' }); // hits ops, the first channel
    await evaluate();
    expect(postsTo('C_OPS').map((c) => c.error ?? 'ok')).toEqual(['internal_error']);
    expect(postsTo('C_BROKEN')).toHaveLength(1);
    await evaluate();
    await evaluate();
    expect(postsTo('C_OPS').map((c) => c.error ?? 'ok')).toEqual(['internal_error', 'ok']);
    expect(postsTo('C_BROKEN')).toHaveLength(1);
    expect(await deps.alertStore.channelFailures()).toEqual({});
    expect(await failureCount()).toBeUndefined();
  });
});
