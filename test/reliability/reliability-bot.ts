/**
 * The bot as `devbot serve` (+ optionally `devbot worker`) runs it, in this process, for the
 * reliability suite: the real Bolt receiver (signed slash commands in), handleCommand, BullMQ on
 * a real Redis, a real worker against the real etcd, and the fake Slack Web API recording what
 * users would see. Every log line goes to a capture the tests can read.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { WORKING_TEXT } from '../../src/adapters/slack/slash-command.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import type { CommandInput, CommandReply } from '../../src/commands/types.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/log.js';
import { uniqueName } from '../harness/unique.js';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackOptions, type RecordedCall } from '../fakes/slack-api.js';
import { postSlashCommand, type PostOptions } from '../fakes/slack-signing.js';

export const ALICE = 'U0ALICE'; // on call: every verb, everywhere
export const CAROL = 'U0CAROL'; // may only look: jobs, locks, audit, status
export const MALLORY = 'U0MALLORY'; // no rule names her

export interface Channel {
  id: string;
  name: string;
}
export const DEV: Channel = { id: 'C0DEV', name: 'dev-ops' };
export const PROD: Channel = { id: 'C0PROD', name: 'prod-ops' };
/** A channel devbot is not set up in. */
export const ELSEWHERE: Channel = { id: 'C0ELSEWHERE', name: 'random' };

export interface Who {
  user: string;
  channel: Channel;
}
const DEFAULT_WHO: Who = { user: ALICE, channel: DEV };

/** pino output, line by line, as `devbot serve` would write it to stderr. */
export interface LogCapture {
  log: Logger;
  lines: string[];
  entries(): Array<Record<string, unknown>>;
  /** Entries at `level` or above (pino numbers: 40 warn, 50 error). */
  atLeast(level: number): Array<Record<string, unknown>>;
}

export function captureLog(level = 'info'): LogCapture {
  const lines: string[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, entries, atLeast: (n) => entries().filter((e) => Number(e['level']) >= n) };
}

export interface WireReply {
  status: number;
  /** The ack's text, or, for a late answer, the text sent through response_url. */
  text: string;
  blocks?: unknown[];
  /** The JSON bodies Slack received for this command: the ack, then the late reply if any. */
  bodies: Array<Record<string, unknown>>;
  /** From sending the command to the answer: the ack, or the late reply after "Working on it…". */
  tookMs: number;
  /** The id in the command's response_url (the fake records it on each response_url call). */
  responseId: string;
}

export interface BotOptions {
  redisUrl?: string;
  etcdEndpoints?: string[];
  /** DEVBOT_* variables over the defaults (test tokens, the fake's URL). */
  env?: NodeJS.ProcessEnv;
  worker?: boolean;
  logs?: LogCapture;
  /** Extra YAML merged after the base config. */
  yaml?: string;
  /** Changes the serve and worker deps once built (e.g. faster retry timings for an adapter). */
  adjustDeps?: (deps: BuiltDeps) => void;
  /**
   * The Web API fake refuses as Slack does (rate limits, Block Kit limits, msg_too_long,
   * response_url's 5 uses), and the bot is a member of #dev-ops and #prod-ops only (invited where
   * devbot is set up): chat.* into any other channel answers not_in_channel.
   */
  strictSlack?: boolean;
}

/** The channels the bot was invited to, as a workspace admin does when setting devbot up. */
export const MEMBER_CHANNELS = [DEV.id, PROD.id];
const STRICT_SLACK: FakeSlackOptions = { strict: true, memberChannels: MEMBER_CHANNELS };

export interface ReliabilityBot {
  config: Config;
  deps: BuiltDeps;
  fake: FakeSlackApi;
  logs: LogCapture;
  signingSecret: string;
  eventsUrl: string;
  /** handleCommand as Slack's listener calls it (after Bolt), with a fresh request id. */
  handle(text: string, who?: Who): Promise<CommandReply>;
  /** A signed `/dev <text>` POST into the Bolt receiver. */
  command(text: string, who?: Who, opts?: PostOptions): Promise<WireReply>;
  /** The job's message once it reads `match` (posted, or updated in place). */
  waitForJobMessage(jobId: string, match: (text: string) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /**
   * Every Web API answer a user would notice as a refusal: an HTTP 429 (or any status but 200), or
   * `ok: false` (invalid_blocks, msg_too_long, not_in_channel…), as `method status error` lines.
   */
  slackRefusals(): string[];
  close(): Promise<void>;
}

export const DEFAULT_SIGNING_SECRET = 'reliability-signing-secret';

export function botConfig(opts: { redisUrl: string; etcdEndpoints: string[]; env: NodeJS.ProcessEnv; yaml?: string }): Config {
  const etcd = opts.etcdEndpoints.join(', ');
  return loadConfig({
    documents: [
      `
slack: { port: 0 }
redis: { prefix: ${uniqueName('rel')} }
jobs: { queue: ${uniqueName('q')}, concurrency: 4 }
status: { deadlineMs: 1500 }
environments:
  dev:
    etcd: { endpoints: [${etcd}] }
    databases: { postgres: { electionPrefix: ${uniqueName('election')}, failoverTimeoutMs: 2000 } }
  prod: { protected: true, approvals: 2, etcd: { endpoints: [${etcd}] } }
channels:
  ${DEV.name}: { id: ${DEV.id}, environment: dev }
  ${PROD.name}: { id: ${PROD.id}, environment: prod }
acl:
  groups: { oncall: [${ALICE}] }
  rules:
    - { name: oncall, groups: [oncall], verbs: ['*'], channels: ['*'], environments: ['*'], allowYes: true }
    - { name: viewers, users: [${CAROL}], verbs: [status, jobs, locks, audit], channels: ['*'], environments: ['*'] }
`,
      ...(opts.yaml ? [opts.yaml] : []),
    ],
    env: opts.env,
  });
}

export async function startReliabilityBot(opts: BotOptions = {}): Promise<ReliabilityBot> {
  const fake = await startFakeSlackApi(opts.strictSlack ? STRICT_SLACK : {});
  const logs = opts.logs ?? captureLog();
  const env: NodeJS.ProcessEnv = {
    DEVBOT_REDIS_URL: opts.redisUrl ?? inject('redisUrl'),
    DEVBOT_SLACK_BOT_TOKEN: 'xoxb-reliability-token',
    DEVBOT_SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
    DEVBOT_SLACK_API_URL: fake.url,
    ...opts.env,
  };
  const config = botConfig({ redisUrl: env['DEVBOT_REDIS_URL']!, etcdEndpoints: opts.etcdEndpoints ?? inject('etcd').endpoints, env, yaml: opts.yaml });
  const signingSecret = config.slack.signingSecret!;
  const deps = buildDeps(config, logs.log.child({ component: 'serve' }));
  opts.adjustDeps?.(deps);
  let worker: WorkerHandle | undefined;
  let workerDeps: BuiltDeps | undefined;
  let slack: SlackApp | undefined;
  try {
    if (opts.worker) {
      // A worker process has deps of its own, as `devbot worker` does.
      workerDeps = buildDeps(config, logs.log.child({ component: 'worker' }));
      opts.adjustDeps?.(workerDeps);
      worker = startBullmqWorker(workerDeps);
    }
    slack = await createSlackApp({
      config,
      log: logs.log.child({ component: 'slack' }),
      handleCommand: (input) => handleCommand(input, deps),
      handleAction: (input) => handleAction(input, deps),
    });
    await slack.start();
  } catch (e) {
    await worker?.close();
    await Promise.allSettled([deps.close(), workerDeps?.close(), fake.close()]);
    throw e;
  }
  const eventsUrl = `http://127.0.0.1:${slack.port()}/slack/events`;
  const started = slack;

  return {
    config,
    deps,
    fake,
    logs,
    signingSecret,
    eventsUrl,
    handle(text, who = DEFAULT_WHO) {
      const input: CommandInput = { text, user: who.user, channel: who.channel.id, channelName: who.channel.name, transport: { kind: 'slack' }, requestId: randomUUID() };
      return handleCommand(input, deps);
    },
    async command(text, who = DEFAULT_WHO, postOpts = {}) {
      const responseId = randomUUID();
      const began = Date.now();
      const res = await postSlashCommand(
        eventsUrl,
        signingSecret,
        { text, user_id: who.user, user_name: who.user.toLowerCase(), channel_id: who.channel.id, channel_name: who.channel.name, response_url: fake.responseUrl(responseId) },
        postOpts,
      );
      if (res.status !== 200 || res.body === '') return { status: res.status, text: '', bodies: [], tookMs: Date.now() - began, responseId };
      const ack = JSON.parse(res.body) as Record<string, unknown>;
      if (ack['text'] !== WORKING_TEXT) {
        return { status: res.status, text: String(ack['text'] ?? ''), blocks: ack['blocks'] as unknown[] | undefined, bodies: [ack], tookMs: Date.now() - began, responseId };
      }
      const late = await fake.waitForCall('response_url', (c) => c.responseId === responseId, 10_000);
      return { status: res.status, text: String(late.params['text'] ?? ''), blocks: late.params['blocks'] as unknown[] | undefined, bodies: [ack, late.params], tookMs: late.receivedAt - began, responseId };
    },
    async waitForJobMessage(jobId, match, timeoutMs = 10_000) {
      const posted = await fake.waitForCall('chat.postMessage', (c) => String(c.params['text'] ?? '').includes(jobId) && c.ts !== undefined, timeoutMs);
      if (match(String(posted.params['text'] ?? ''))) return posted;
      return fake.waitForCall(
        'chat.update',
        (c) => c.params['ts'] === posted.ts && c.params['channel'] === posted.params['channel'] && match(String(c.params['text'] ?? '')),
        timeoutMs,
      );
    },
    slackRefusals: () => fake.calls.filter((c) => c.status !== 200 || c.error !== undefined).map((c) => `${c.method} ${c.status} ${c.error ?? ''}`.trim()),
    async close() {
      await started.stop();
      await worker?.close();
      await Promise.allSettled([deps.close(), workerDeps?.close()]);
      await fake.close();
    },
  };
}

/** Deletes every key under the bot's prefix (its queue, audit, locks…) on the given Redis. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
