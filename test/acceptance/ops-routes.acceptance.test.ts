/**
 * What an operator scrapes, as the README's "Operators" and "The Slack rate budget on /metrics"
 * promise it: `devbot serve` and `devbot worker`, started with a user's config, each answer
 * /healthz, /readyz and /metrics on their own ops port, and after one `/dev status` their counters
 * say so: the command on serve's, the job and the Slack call it made on the worker's. The public
 * Slack port serves none of the ops routes but /healthz.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { promSample } from '../harness/prom-text.js';
import { slackEnv, startShipped, type Shipped } from './support/shipped-devbot.js';
import { userConfigYaml } from './support/user-config.js';
import { queuedJobId, typeCommand, type SlackPlace } from './support/slack-user.js';

const alice: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('acceptance: the ops routes of devbot serve and devbot worker', () => {
  let slack: FakeSlackApi;
  let shipped: Shipped;
  let slackUrl: string;
  let serveOps: string;
  let workerOps: string;

  beforeAll(async () => {
    slack = await startFakeSlackApi({ strict: true });
    shipped = startShipped('ops-routes', slackEnv(inject('redisUrl'), slack.url));
    const config = shipped.writeConfig('devbot', userConfigYaml({
      name: 'ops-routes',
      etcd: inject('etcd').endpoints,
      acl: `
  rules:
    - name: alice-status
      users: [U0ALICE]
      verbs: [status]
      channels: [ops]
      environments: [prod]`,
    }));
    const [serve, worker] = await Promise.all([shipped.serve('serve', config), shipped.worker('worker', config)]);
    slackUrl = serve.url;
    serveOps = `http://127.0.0.1:${serve.opsPort}`;
    workerOps = `http://127.0.0.1:${worker.opsPort}`;
  });

  afterAll(async () => {
    await shipped?.stop();
    await slack?.close();
  });

  it('both are up and ready: Redis (and for serve, Slack) reachable', async () => {
    expect(await get(`${serveOps}/healthz`)).toMatchObject({ status: 200 });
    expect(await get(`${workerOps}/healthz`)).toMatchObject({ status: 200 });
    const serveReady = await get(`${serveOps}/readyz`);
    expect(serveReady.status).toBe(200);
    expect(JSON.parse(serveReady.body)).toEqual({ redis: 'ok', slack: 'ok' });
    const workerReady = await get(`${workerOps}/readyz`);
    expect(workerReady.status).toBe(200);
    expect(JSON.parse(workerReady.body)).toMatchObject({ redis: 'ok' });
  });

  it('after one /dev status, serve counts the command and the worker the job and its Slack call, on the shared budget', async () => {
    const jobId = queuedJobId(await typeCommand(slackUrl, alice, 'status'));
    expect(jobId).toBeTruthy();
    await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === alice.channelId && c.status === 200 && /quorum/i.test(String(c.params['text'])), 30_000);

    const serveMetrics = (await get(`${serveOps}/metrics`)).body;
    expect(promSample(serveMetrics, 'devbot_commands_total', { verb: 'status', outcome: 'queued' })).toBe(1);
    expect(promSample(serveMetrics, 'devbot_queue_up')).toBe(1);

    // The job's histogram is observed as the job ends, a moment after its report went out.
    let workerMetrics = '';
    await expect.poll(async () => {
      workerMetrics = (await get(`${workerOps}/metrics`)).body;
      return promSample(workerMetrics, 'devbot_job_duration_seconds_count', { kind: 'status', outcome: 'succeeded' });
    }, { timeout: 10_000 }).toBe(1);
    expect(promSample(workerMetrics, 'devbot_slack_budget_shared')).toBe(1);
    expect(promSample(workerMetrics, 'devbot_slack_budget_sent_total', { method: 'chat.postMessage' })).toBeGreaterThanOrEqual(1);
    expect(promSample(workerMetrics, 'devbot_slack_429_total', { method: 'chat.postMessage' }) ?? 0).toBe(0);
  });

  it('the public Slack port answers /healthz but not /metrics or /readyz', async () => {
    expect(await get(`${slackUrl}/healthz`)).toMatchObject({ status: 200 });
    expect((await get(`${slackUrl}/metrics`)).status).toBe(404);
    expect((await get(`${slackUrl}/readyz`)).status).toBe(404);
  });
});
