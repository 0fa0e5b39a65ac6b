/**
 * A devbot installation of real processes with a config of the test's choosing (databases, fleet,
 * timeouts) and, per process, environment of its own (e.g. a serve that reaches Redis through a
 * proxy): the Slack Web API fake, `serve` / `worker` processes (devbot-processes.ts: the scripted
 * kind under 'deploy' and every other kind real, or the shipped binary), a queue handle, Redis,
 * and the scripted kind's events.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { cancelChannel, createBullmqQueue } from '../../src/adapters/bullmq/bullmq-queue.js';
import { createRedisAudit } from '../../src/adapters/redis/redis-audit.js';
import type { AuditEntry } from '../../src/ports/audit.js';
import type { JobQueue } from '../../src/ports/queue.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { postSlashCommand } from '../fakes/slack-signing.js';
import { createProcessGroup, type DevbotProcess, type ProcessGroup } from './devbot-processes.js';
import { scriptKeys, type ScriptEvent } from './recorded-steps-job.js';
import { uniqueName } from './unique.js';

export const CHANNEL = 'C_OPS';
const SECRET = 'installation-signing-secret';

export interface InstallationOptions {
  label: string;
  redisUrl: string;
  etcdEndpoints: string[];
  /** YAML lines laid under `environments.local` besides `etcd` (e.g. `databases: …`), indented by 4. */
  localEnvironment?: string;
  /** `etcd.probeTimeoutMs` of environment local (also each election call's deadline). */
  probeTimeoutMs?: number;
  /** More YAML flow entries inside `environments.local.etcd` (e.g. `replace: { pollMs: 200 }, backup: { … }`). */
  etcd?: string;
  /** Start the shipped `bin/devbot.mjs` (every kind real, deploy too) instead of the test entry point. */
  shipped?: boolean;
}

export interface Installation {
  group: ProcessGroup;
  fake: FakeSlackApi;
  queue: JobQueue;
  redis: Redis;
  prefix: string;
  /** The pub/sub channel `/dev cancel` signals running jobs on. */
  cancelChannel: string;
  /** Starts a process; `env` is laid over the installation's (e.g. another DEVBOT_REDIS_URL). */
  start(role: 'serve' | 'worker', name: string, env?: Record<string, string>): Promise<DevbotProcess>;
  waitForWorkers(count: number, timeoutMs?: number): Promise<void>;
  /** POSTs a signed `/dev <text>` in #ops as U_ALICE (or `user`). */
  command(serve: DevbotProcess, text: string, opts: { triggerId: string; user?: string; retryNum?: number }): Promise<{ status: number; body: string }>;
  /** Waits for the job's message to be updated to its final state; returns that update. */
  finalUpdate(jobId: string, outcome: 'succeeded' | 'failed' | 'cancelled', timeoutMs?: number): Promise<RecordedCall>;
  /** Every update of the job's message, in order. */
  updatesOf(jobId: string): RecordedCall[];
  /** The scripted kind's events, seen so far or yet to come. */
  nextEvent(predicate: (e: ScriptEvent) => boolean, timeoutMs?: number): Promise<ScriptEvent>;
  /** The audit trail, newest first, as `/dev audit` reads it. */
  audit(filter?: { target?: string; limit?: number }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export async function startInstallation(opts: InstallationOptions): Promise<Installation> {
  const group = createProcessGroup(opts.label);
  const fake = await startFakeSlackApi();
  const prefix = uniqueName(opts.label);
  const queueName = uniqueName('q');
  const configFile = join(group.dir, 'devbot.yaml');
  writeFileSync(configFile, `
slack: { port: 0 }
jobs: { concurrency: 2 }
alerts: { enabled: false }
environments:
  local:
    etcd: { endpoints: [${opts.etcdEndpoints.join(', ')}], probeTimeoutMs: ${opts.probeTimeoutMs ?? 500}${opts.etcd ? `, ${opts.etcd}` : ''} }
${opts.localEnvironment ?? ''}
channels:
  ops: { id: ${CHANNEL}, environment: local }
acl:
  rules:
    - { name: ops, users: [U_ALICE, U_BOB], verbs: ['*'], channels: [ops], environments: [local], allowYes: true }
`);
  const env = {
    DEVBOT_CONFIG: configFile,
    DEVBOT_REDIS_URL: opts.redisUrl,
    DEVBOT_REDIS_PREFIX: prefix,
    DEVBOT_QUEUE: queueName,
    DEVBOT_SLACK_BOT_TOKEN: 'xoxb-installation-token',
    DEVBOT_SLACK_SIGNING_SECRET: SECRET,
    DEVBOT_SLACK_API_URL: fake.url,
    DEVBOT_SLACK_PORT: '0',
    DEVBOT_OPS_WORKER_PORT: '0',
    DEVBOT_OPS_SERVE_PORT: '0',
    DEVBOT_LOG_LEVEL: 'info',
  };
  const queue = createBullmqQueue({ redisUrl: opts.redisUrl, prefix, queueName, commandTimeoutMs: 1500 });
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => {});
  const auditLog = createRedisAudit(redis, prefix, 24 * 3600_000);

  const events: ScriptEvent[] = [];
  const sub = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  sub.on('error', () => {});
  sub.on('message', (_channel: string, raw: string) => {
    events.push(JSON.parse(raw) as ScriptEvent);
  });
  await sub.subscribe(scriptKeys.events(prefix));

  const ofJob = (jobId: string) => (c: RecordedCall) => c.params['channel'] === CHANNEL && String(c.params['text']).includes(`job ${jobId}`);
  return {
    group,
    fake,
    queue,
    redis,
    prefix,
    cancelChannel: cancelChannel(prefix, queueName),
    start: (role, name, more = {}) =>
      opts.shipped ? group.startShipped(role, name, { configFile, env: { ...env, ...more } }) : group.startDevbot(role, name, { ...env, ...more }),
    async waitForWorkers(count, timeoutMs = 20_000) {
      await waitFor(`${count} workers to connect`, async () => (await queue.counts().catch(() => ({ workers: -1 }))).workers >= count, { timeoutMs, intervalMs: 50 });
    },
    command: (serve, text, { triggerId, user, retryNum }) =>
      postSlashCommand(`http://127.0.0.1:${serve.port}/slack/events`, SECRET, {
        text, user_id: user ?? 'U_ALICE', channel_id: CHANNEL, channel_name: 'ops', trigger_id: triggerId, response_url: fake.responseUrl(triggerId),
      }, { retryNum }),
    finalUpdate: (jobId, outcome, timeoutMs = 20_000) =>
      fake.waitForCall('chat.update', (c) => ofJob(jobId)(c) && String(c.params['text']).includes(` — ${outcome} (`), timeoutMs),
    updatesOf: (jobId) => fake.callsTo('chat.update').filter(ofJob(jobId)),
    nextEvent(predicate, timeoutMs = 20_000) {
      return waitFor('a matching scripted-job event', () => events.find(predicate), { timeoutMs, intervalMs: 20 });
    },
    audit: ({ target, limit = 50 } = {}) => auditLog.latest({ target, limit }),
    async close() {
      await group.stop();
      sub.disconnect();
      redis.disconnect();
      await queue.close().catch(() => undefined);
      await fake.close();
    },
  };
}
