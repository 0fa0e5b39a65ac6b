/**
 * `@devbot retry` / `@devbot rollback` typed in a job's thread take the job from the thread:
 * signed Events API POSTs into the real Bolt receiver, handleCommand, BullMQ and a real worker on
 * the harness's Redis; only the deploy kind is scripted (test/fakes/scripted-job-kind.ts).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { JobKind } from '../../src/jobs/job-kind.js';
import { silentLogger } from '../../src/log.js';
import { uniqueName } from '../harness/unique.js';
import { createScriptedKind, type ScriptedKind } from '../fakes/scripted-job-kind.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { eventCallbackBody, postEvent } from '../fakes/slack-signing.js';

const SECRET = 'mentions-jobs-signing-secret';
const DEV = 'C0DEV';
const WAIT_MS = 10_000;
/** How handleCommand's replies begin; a job's step log in the same thread does not. */
const ANSWER = /^(Queued|Already queued|:no_entry:|:warning:|:lock:|Sorry|Unknown)/;

let seq = 0;
const newTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

describe('mentions in a job’s thread', () => {
  let fake: FakeSlackApi;
  let deps: BuiltDeps;
  let worker: WorkerHandle;
  let slack: SlackApp;
  let deploy: ScriptedKind;
  let url: string;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    const config = loadConfig({
      documents: [
        `
slack: { port: 0 }
redis: { prefix: ${uniqueName('mention-jobs')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  dev: { etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] } }
channels:
  dev-ops: { id: ${DEV}, environment: dev }
acl:
  rules:
    - { name: oncall, users: [U0ALICE, U0BOB], verbs: [deploy, rollback], channels: ['*'], environments: ['*'] }
`,
      ],
      env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-mention-jobs', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url },
    });
    const log = silentLogger();
    deps = buildDeps(config, log);
    deploy = createScriptedKind({ kind: 'deploy', targetField: 'service', title: (svc, env) => `Deploy of ${svc} to ${env}` });
    deps.jobKinds = { ...deps.jobKinds, deploy: deploy.jobKind as unknown as JobKind<never> };
    worker = startBullmqWorker(deps);
    slack = await createSlackApp({ config, log, handleCommand: (input) => handleCommand(input, deps), claimEvent: (key) => deps.eventClaims.claim(key, 60_000) });
    await slack.start();
    url = `http://127.0.0.1:${slack.port()}/slack/events`;
  });

  afterAll(async () => {
    deploy?.openAll();
    await slack?.stop();
    await worker?.close();
    await deps?.close();
    await fake?.close();
  });

  /** `@devbot <text>` as `user` in #dev-ops (in `threadTs`'s thread); resolves with devbot's answer there (and the thread it is in). */
  async function mention(user: string, text: string, threadTs?: string): Promise<string & { thread?: string }> {
    const ts = newTs();
    const sentAt = Date.now();
    const event = { type: 'app_mention', user, channel: DEV, ts, text: `<@U0DEVBOT> ${text}`, client_msg_id: randomBytes(8).toString('hex'), ...(threadTs ? { thread_ts: threadTs } : {}) };
    expect((await postEvent(url, SECRET, eventCallbackBody(event))).status).toBe(200);
    const answer = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === DEV && c.params['thread_ts'] === (threadTs ?? ts) && c.receivedAt >= sentAt && ANSWER.test(String(c.params['text'])), WAIT_MS);
    return Object.assign(String(answer.params['text']), { thread: threadTs ?? ts });
  }
  const jobIdOf = (answer: string) => /Queued as job (\S+)\./.exec(answer)?.[1];
  /** The job's progress message: in the thread of the mention that started it, not in the channel. */
  const progressMessage = async (jobId: string, thread: string) =>
    (await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === DEV && String(c.params['text']).includes(`(job ${jobId},`), WAIT_MS)).params['thread_ts'] === thread;
  /** Every post in `thread`, as text. */
  const threadTexts = (thread: string) => fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === DEV && c.params['thread_ts'] === thread).map((c) => String(c.params['text']));

  it('a job started by a mention posts its message, its step log and its end in the mention’s thread', async () => {
    const service = uniqueName('docs');
    deploy.plan(service, { steps: ['pull image', 'restart units'], pace: 0 });
    const asked = await mention('U0ALICE', `deploy ${service}`);
    const job = jobIdOf(asked)!;
    expect(await progressMessage(job, asked.thread!)).toBe(true);
    await deps.queue.waitUntilFinished(job, 5000);
    const message = fake.callsTo('chat.postMessage').find((c) => String(c.params['text']).includes(`(job ${job},`))!;
    const ended = await fake.waitForCall('chat.update', (c) => c.params['ts'] === message.ts && / — succeeded \(job /.test(String(c.params['text'])), WAIT_MS);
    expect(ended.params['channel']).toBe(DEV);
    await fake.waitForCall('chat.postMessage', (c) => c.params['thread_ts'] === asked.thread && String(c.params['text']).includes('✓ restart units'), WAIT_MS);
    // Nothing of it went to the channel itself, and nothing was posted as a reply to a reply.
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === undefined && String(c.params['text']).includes(job))).toEqual([]);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === message.ts)).toEqual([]);
    expect(threadTexts(asked.thread!)[0]).toMatch(/^Queued as job /);
  });

  it('`@devbot retry` in a failed job’s thread runs its command again, as the one who asked', async () => {
    const service = uniqueName('wiki');
    deploy.plan(service, { steps: ['pull image', 'restart units'], pace: 0, failAt: 'restart units', failWith: 'unit did not start' });
    deploy.plan(service, { steps: ['pull image', 'restart units'], pace: 0 });
    const asked = await mention('U0ALICE', `deploy ${service}`);
    const first = jobIdOf(asked)!;
    const thread = asked.thread!;
    expect(await progressMessage(first, thread)).toBe(true);
    await deps.queue.waitUntilFinished(first, 5000).catch(() => undefined);
    expect((await deps.queue.get(first))?.state).toBe('failed');

    const retried = await mention('U0BOB', 'retry', thread);
    expect(String(retried)).toMatch(/^Queued as job deploy-[0-9a-f]{10}\.$/);
    const second = jobIdOf(retried)!;
    await deps.queue.waitUntilFinished(second, 5000);
    expect(deploy.runs.filter((r) => r.target === service).map((r) => [r.requestedBy, r.finished.length])).toEqual([['U0ALICE', 1], ['U0BOB', 2]]);
  });

  it('`@devbot rollback` in a deploy’s thread rolls that service back', async () => {
    const service = uniqueName('api');
    const asked = await mention('U0ALICE', `deploy ${service}`);
    const deployed = jobIdOf(asked)!;
    const thread = asked.thread!;
    expect(await progressMessage(deployed, thread)).toBe(true);
    await deps.queue.waitUntilFinished(deployed, 5000);

    const answer = await mention('U0ALICE', 'rollback', thread);
    expect(String(answer)).toMatch(/^Queued as job rollback-[0-9a-f]{10}\.$/);
    expect((await deps.queue.get(jobIdOf(answer)!))?.text).toBe(`rollback ${service} --env dev`);
  });
});
