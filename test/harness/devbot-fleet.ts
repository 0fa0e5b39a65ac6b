/**
 * A small devbot installation of real processes for multi-process tests: a config file, the Slack
 * Web API fake, `serve` and `worker` processes (devbot-processes.ts), a queue handle to watch the
 * jobs, and the scripted job kind's events (recorded-steps-job.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createBullmqQueue } from '../../src/adapters/bullmq/bullmq-queue.js';
import type { JobQueue } from '../../src/ports/queue.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { postSlashCommand } from '../fakes/slack-signing.js';
import { createProcessGroup, type DevbotProcess, type ProcessGroup, type RedisProcess } from './devbot-processes.js';
import { scriptKeys, stepNames, type ScriptEvent } from './recorded-steps-job.js';
import { uniqueName } from './unique.js';

export const CHANNEL = 'C_OPS';
const SECRET = 'fleet-signing-secret';

/** A Slack channel of the fleet's workspace, mapped to the `local` environment. */
export interface FleetChannel {
  id: string;
  name: string;
}
const OPS: FleetChannel = { id: CHANNEL, name: 'ops' };

export interface FleetOptions {
  label: string;
  /** The Redis to use, or 'own' for a dedicated one (AOF on, fsync always) that the test may restart. */
  redis: string | 'own';
  etcdEndpoints: string[];
  /** jobs.concurrency of each worker (default 2). */
  concurrency?: number;
  /** More users the ACL allows (same verbs as U_ALICE), e.g. for a soak with many people. */
  extraUsers?: string[];
  /**
   * slack.rateBudget of serve and workers. 'off' unless asked: the fleet's Web API fake has no
   * limits and the soak posts faster than Slack takes; a test of the budget itself asks for 'shared'.
   */
  rateBudget?: 'shared' | 'off';
  /**
   * The Web API fake refuses as Slack does (rate limits with 429 + Retry-After, Block Kit limits,
   * msg_too_long, not_in_channel outside `channels`, response_url's 5 uses): see
   * test/fakes/slack-api.ts. With it, slack.rateBudget defaults to 'shared', devbot's own default.
   */
  strict?: boolean;
  /** The channels devbot is set up in and the bot was invited to (default: #ops, `CHANNEL`). */
  channels?: FleetChannel[];
}

export interface Fleet {
  group: ProcessGroup;
  fake: FakeSlackApi;
  queue: JobQueue;
  prefix: string;
  /** With `redis: 'own'`: SIGKILLs the dedicated Redis and waits until it has exited. */
  killRedis(): Promise<void>;
  /** With `redis: 'own'`: starts it again on the same port and data (it replays its AOF); resolves once it answers PING. */
  restartRedis(): Promise<void>;
  /** Redis the test reads the scripted kind's records from (the fleet's). */
  redis: Redis;
  events: ScriptEvents;
  startServe(name: string): Promise<DevbotProcess>;
  startWorker(name: string): Promise<DevbotProcess>;
  /** Resolves once `count` workers are connected to the queue (BullMQ's client list). */
  waitForWorkers(count: number, timeoutMs?: number): Promise<void>;
  /** POSTs a signed `/dev <text>` as U_ALICE (or `user`) in #ops (or `channel`) to a serve process. */
  command(serve: DevbotProcess, text: string, opts: { triggerId: string; retryNum?: number; user?: string; channel?: FleetChannel }): Promise<{ status: number; body: string }>;
  /** The fleet's channels (`channels` of the options, or #ops alone). */
  channels: FleetChannel[];
  /**
   * Top-level messages (not thread replies) Slack took for `jobId`, in any of the fleet's channels;
   * a post refused (429, not_in_channel…) made no message.
   */
  jobMessages(jobId: string): RecordedCall[];
  /**
   * Every Web API answer a user would notice as a refusal: an HTTP 429, or `ok: false` (for
   * example invalid_blocks, msg_too_long, not_in_channel), as `method status error` lines.
   */
  slackRefusals(): string[];
  /** Waits for the job's message to be updated to its final state; returns that update. */
  finalUpdate(jobId: string, outcome: 'succeeded' | 'failed' | 'cancelled', timeoutMs?: number): Promise<RecordedCall>;
  /** Every event of the job's runs, in the order they happened. */
  eventLog(jobId: string): Promise<ScriptEvent[]>;
  /** Per step of the job: how many times it was started and finished. */
  stepCounts(jobId: string, steps: number): Promise<Record<string, { started: number; done: number }>>;
  close(): Promise<void>;
}

export interface ScriptEvents {
  /** The first event (seen already or yet to come) matching `predicate`. */
  next(predicate: (e: ScriptEvent) => boolean, timeoutMs?: number): Promise<ScriptEvent>;
  all: ScriptEvent[];
}

/** Subscribes to the scripted kind's events; ioredis resubscribes by itself after a Redis restart. */
async function watchEvents(redisUrl: string, prefix: string): Promise<{ events: ScriptEvents; close(): void }> {
  const sub = new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(50 * n, 500) });
  sub.on('error', () => {});
  const all: ScriptEvent[] = [];
  const waiters = new Set<(e: ScriptEvent) => void>();
  sub.on('message', (_channel: string, raw: string) => {
    const e = JSON.parse(raw) as ScriptEvent;
    all.push(e);
    for (const w of [...waiters]) w(e);
  });
  await sub.subscribe(scriptKeys.events(prefix));
  return {
    events: {
      all,
      next(predicate, timeoutMs = 20_000) {
        const seen = all.find(predicate);
        if (seen) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const waiter = (e: ScriptEvent) => {
            if (!predicate(e)) return;
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(e);
          };
          const timer = setTimeout(() => {
            waiters.delete(waiter);
            reject(new Error(`no matching scripted-job event within ${timeoutMs} ms (seen: ${all.map((e) => `${e.jobId}/${e.event}/${e.step ?? ''}`).join(', ') || 'none'})`));
          }, timeoutMs);
          waiters.add(waiter);
        });
      },
    },
    close: () => sub.disconnect(),
  };
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const group = createProcessGroup(opts.label);
  let ownRedis = opts.redis === 'own' ? await group.startRedis('redis') : undefined;
  const redisUrl = ownRedis?.url ?? opts.redis;
  const own = (): RedisProcess => {
    if (!ownRedis) throw new Error("this fleet uses a shared Redis; start it with redis: 'own' to restart Redis");
    return ownRedis;
  };
  const channels = opts.channels ?? [OPS];
  // The bot was invited to the fleet's channels, as a workspace admin would do when setting it up.
  const fake = await startFakeSlackApi(opts.strict ? { strict: true, memberChannels: channels.map((c) => c.id) } : {});
  const prefix = uniqueName(opts.label);
  const queueName = uniqueName('q');
  const configFile = join(group.dir, 'devbot.yaml');
  // Without `strict` the Web API fake has no limits, so the budget is off unless asked for; with
  // it, devbot's default (shared) keeps the fleet under Slack's limits as in production.
  writeFileSync(configFile, `
slack: { port: 0, rateBudget: '${opts.rateBudget ?? (opts.strict ? 'shared' : 'off')}' }
jobs: { concurrency: ${opts.concurrency ?? 2} }
environments:
  local: { etcd: { endpoints: [${opts.etcdEndpoints.join(', ')}] } }
channels:
${channels.map((c) => `  ${c.name}: { id: ${c.id}, environment: local }`).join('\n')}
acl:
  rules:
    - { name: alice-ops, users: [U_ALICE${(opts.extraUsers ?? []).map((u) => `, ${u}`).join('')}], verbs: [deploy, status, jobs, locks], channels: [${channels.map((c) => c.name).join(', ')}], environments: [local] }
`);
  const env = {
    DEVBOT_CONFIG: configFile,
    DEVBOT_REDIS_URL: redisUrl,
    DEVBOT_REDIS_PREFIX: prefix,
    DEVBOT_QUEUE: queueName,
    DEVBOT_SLACK_BOT_TOKEN: 'xoxb-fleet-token',
    DEVBOT_SLACK_SIGNING_SECRET: SECRET,
    DEVBOT_SLACK_API_URL: fake.url,
    DEVBOT_SLACK_PORT: '0',
    // Several serves and workers on one machine: each takes any free port for its ops routes.
    DEVBOT_OPS_WORKER_PORT: '0',
    DEVBOT_OPS_SERVE_PORT: '0',
    DEVBOT_LOG_LEVEL: 'info',
  };
  const queue = createBullmqQueue({ redisUrl, prefix, queueName, commandTimeoutMs: 1500 });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(50 * n, 500) });
  redis.on('error', () => {});
  const watched = await watchEvents(redisUrl, prefix);

  const channelIds = new Set(channels.map((c) => c.id));
  const isTopLevel = (c: RecordedCall) => channelIds.has(String(c.params['channel'])) && c.params['thread_ts'] === undefined;
  return {
    group,
    fake,
    queue,
    prefix,
    killRedis: () => group.kill(own(), 'SIGKILL'),
    async restartRedis() {
      ownRedis = await group.restartRedis(own());
    },
    redis,
    events: watched.events,
    startServe: (name) => group.startDevbot('serve', name, env),
    startWorker: (name) => group.startDevbot('worker', name, env),
    async waitForWorkers(count, timeoutMs = 20_000) {
      await waitFor(`${count} workers to connect`, async () => (await queue.counts().catch(() => ({ workers: -1 }))).workers >= count, { timeoutMs, intervalMs: 50 });
    },
    async command(serve, text, { triggerId, retryNum, user, channel = channels[0]! }) {
      return postSlashCommand(`http://127.0.0.1:${serve.port}/slack/events`, SECRET, {
        text, user_id: user ?? 'U_ALICE', channel_id: channel.id, channel_name: channel.name, trigger_id: triggerId, response_url: fake.responseUrl(triggerId),
      }, { retryNum });
    },
    channels,
    jobMessages: (jobId) => fake.callsTo('chat.postMessage').filter((c) => c.ts !== undefined && isTopLevel(c) && String(c.params['text']).includes(`job ${jobId}`)),
    slackRefusals: () => fake.calls.filter((c) => c.status !== 200 || c.error !== undefined).map((c) => `${c.method} ${c.status} ${c.error ?? ''}`.trim()),
    finalUpdate: (jobId, outcome, timeoutMs = 20_000) =>
      fake.waitForCall('chat.update', (c) => channelIds.has(String(c.params['channel'])) && String(c.params['text']).includes(`job ${jobId}`) && String(c.params['text']).includes(` — ${outcome} (`), timeoutMs),
    eventLog: async (jobId) =>
      Object.values(await redis.hgetall(scriptKeys.log(prefix, jobId))).map((raw) => JSON.parse(raw) as ScriptEvent).sort((a, b) => a.at - b.at),
    async stepCounts(jobId, steps) {
      const out: Record<string, { started: number; done: number }> = {};
      for (const step of stepNames(steps)) {
        const [started, done] = await Promise.all([redis.scard(scriptKeys.started(prefix, jobId, step)), redis.scard(scriptKeys.done(prefix, jobId, step))]);
        out[step] = { started, done };
      }
      return out;
    },
    async close() {
      await group.stop();
      watched.close();
      redis.disconnect();
      await queue.close().catch(() => undefined);
      await fake.close();
    },
  };
}
