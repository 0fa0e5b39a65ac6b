import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { createSlackApp } from '../../src/adapters/slack/slack-app.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { startMembers, stopMembers, waitForQuorum } from '../harness/cluster-control.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi } from '../fakes/slack-api.js';
import { postSlashCommand } from '../fakes/slack-signing.js';

const SECRET = 'e2e-signing-secret';

describe('/dev status end to end: Slack → ACL → BullMQ → worker → etcd → Slack', () => {
  let fake: Awaited<ReturnType<typeof startFakeSlackApi>>;
  let deps: BuiltDeps;
  let worker: WorkerHandle;
  let slack: Awaited<ReturnType<typeof createSlackApp>>;
  let eventsUrl: string;
  let trigger = 0;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    const etcd = inject('etcd');
    const config = loadConfig({
      documents: [
        `
slack: { port: 0 }
redis: { prefix: ${uniqueName('e2e')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local: { etcd: { endpoints: [${etcd.endpoints.join(', ')}] } }
channels:
  ops: { id: C_OPS, environment: local }
acl:
  rules:
    - { name: alice-ops, users: [U_ALICE], verbs: [status], channels: [ops], environments: [local] }
`,
      ],
      env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-e2e-token', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url },
    });
    const log = silentLogger();
    deps = buildDeps(config, log);
    worker = startBullmqWorker(deps);
    slack = await createSlackApp({ config, log, handleCommand: (input) => handleCommand(input, deps) });
    await slack.start();
    eventsUrl = `http://127.0.0.1:${slack.port()}/slack/events`;
  });

  afterAll(async () => {
    await slack?.stop();
    await worker?.close();
    await deps?.close();
    await fake?.close();
  });

  async function askStatus(opts: { triggerId?: string; retryNum?: number } = {}) {
    const triggerId = opts.triggerId ?? `trig-${++trigger}`;
    const started = Date.now();
    const res = await postSlashCommand(eventsUrl, SECRET, { text: 'status', user_id: 'U_ALICE', channel_id: 'C_OPS', channel_name: 'ops', trigger_id: triggerId }, { retryNum: opts.retryNum });
    return { res, started, triggerId };
  }

  /**
   * The report: posted once when it is ready within the job's first second, else the job's live
   * message replaced in place with it.
   */
  async function nextStatusPost(after: number) {
    const posted = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === 'C_OPS' && c.receivedAt >= after, 10_000);
    const isReport = (c: { params: Record<string, unknown> }) => /^Status of /.test(String(c.params['text'])) && /etcd: \d+\/\d+ members up/.test(String(c.params['text']));
    const report = isReport(posted) ? posted : await fake.waitForCall('chat.update', (c) => c.params['channel'] === 'C_OPS' && c.params['ts'] === posted.ts && isReport(c), 10_000);
    expect(report.method === 'chat.update' ? report.params['ts'] : report.ts).toBeDefined();
    return { text: String(report.params['text']), blocks: report.params['blocks'], tookMs: report.receivedAt - after };
  }

  it('acks at once, runs as a job and posts the report with blocks and a text fallback', async () => {
    const { res, started } = await askStatus();
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/Queued as job status-/);
    const post = await nextStatusPost(started);
    expect(post.text).toContain('Status of local');
    expect(post.text).toMatch(/etcd: 3\/3 members up, leader e\d, quorum ok/);
    expect(post.text).toMatch(/queue: .*1 worker live/);
    expect(JSON.stringify(post.blocks)).toContain('header');
  });

  it('makes exactly one job and one message when Slack retries the command', async () => {
    const { started, triggerId } = await askStatus();
    const retry = await askStatus({ triggerId, retryNum: 1 });
    expect(retry.res.status).toBe(200);
    expect(retry.res.body).toMatch(/Already queued as job status-/);
    const post = await nextStatusPost(started);
    const jobId = /job (status-[0-9a-f]+)/.exec(retry.res.body)![1]!;
    await deps.queue.waitUntilFinished(jobId, 10_000);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.receivedAt >= started && c.params['channel'] === 'C_OPS')).toHaveLength(1);
    expect(post.text).toContain('Status of local');
  });

  it('reports lost quorum within 2 s when 2 of 3 members die, and healthy again once they are back', async () => {
    try {
      await stopMembers(['e2', 'e3']);
      const { started } = await askStatus();
      const post = await nextStatusPost(started);
      expect(post.tookMs).toBeLessThan(2000);
      expect(post.text).toMatch(/quorum LOST/);
      expect(post.text).toMatch(/e2: DOWN/);
      expect(post.text).toMatch(/e3: DOWN/);
    } finally {
      await startMembers(['e2', 'e3']);
      await waitForQuorum();
    }
    // The restarted members may need a moment to rejoin; the report must then say healthy.
    await expect
      .poll(async () => {
        const { started } = await askStatus();
        return (await nextStatusPost(started)).text;
      }, { timeout: 15_000, interval: 500 })
      .toMatch(/3\/3 members up, leader e\d, quorum ok/);
  });
});
