/**
 * The bot for the converge tests: the deploy harness's shape (handleCommand, BullMQ with a real
 * worker, history in the real etcd, chat recorded) over the demo's six machines, with the FULL
 * catalog (a copy of config/services.yaml a test may edit) and a fleet fake that fails like fleet:
 * agents report late and a destroyed unit's row lingers. Command health checks (mysqladmin,
 * ssh-keyscan) run the fake's stand-ins (tools/fleet-fake/health-tools), first on PATH as in the demo.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { inject } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import type { CommandReply } from '../../src/commands/types.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { ProgressState } from '../../src/ports/job-state.js';
import { DEMO_MACHINES, startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { createRecordingChat } from '../fakes/fake-stores.js';
import { uniqueName } from '../harness/unique.js';

export const FAKE_TIMINGS = { scheduleMs: 20, startMs: 100, stopMs: 30, reportLagMs: 40, staleStateMs: 300, restartMs: 150 };

const CYCLIC = `
services:
  web: { image: team/web, version: "1", after: [cache] }
  cache: { image: team/cache, version: "1", after: [queue] }
  queue: { image: team/queue, version: "1", after: [web] }
`;

export interface ConvergeBot {
  deps: BuiltDeps;
  fleet: FleetFake;
  chat: ReturnType<typeof createRecordingChat>;
  /** The catalog file environment `local` reads (a copy of config/services.yaml). */
  catalogFile: string;
  command(text: string, user?: string): Promise<CommandReply>;
  runToEnd(text: string, user?: string): Promise<NonNullable<ProgressState['result']> & { jobId: string }>;
  /** Waits for a queued job's end. */
  resultOf(jobId: string): Promise<NonNullable<ProgressState['result']> & { jobId: string }>;
  threadOf(jobId: string): Promise<string[]>;
  lastMessageOf(jobId: string): Promise<string>;
  /** PUT and DELETE requests fleet answered so far. */
  writes(): Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

export async function startConvergeBot(opts: { lockWaitMs?: number; alerts?: boolean } = {}): Promise<ConvergeBot> {
  const tools = resolve('tools/fleet-fake/health-tools');
  if (!(process.env.PATH ?? '').startsWith(tools)) process.env.PATH = `${tools}${delimiter}${process.env.PATH ?? ''}`;
  const fleet = await startFleetFake({ machines: DEMO_MACHINES, timings: FAKE_TIMINGS, tickMs: 20 });
  const dir = mkdtempSync(join(tmpdir(), 'devbot-converge-'));
  const catalogFile = join(dir, 'services.yaml');
  copyFileSync('config/services.yaml', catalogFile);
  writeFileSync(join(dir, 'cyclic.yaml'), CYCLIC);
  const historyPrefix = `devbot-test/${uniqueName('converge')}`;
  const fleetOf = (catalog: string, env: string) =>
    `{ url: "${fleet.url}", catalog: "${catalog}", pollMs: 25, scheduleTimeoutMs: 1500, startTimeoutMs: 1500, requestTimeoutMs: 1000, convergeLockWaitMs: ${opts.lockWaitMs ?? 3000}, historyPrefix: "${historyPrefix}/${env}" }`;
  const etcd = `{ endpoints: [${inject('etcd').endpoints.join(', ')}] }`;
  const config = loadConfig({
    documents: [`
redis: { prefix: ${uniqueName('converge')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local: { etcd: ${etcd}, fleet: ${fleetOf(catalogFile, 'local')} }
  prod: { protected: true, etcd: ${etcd}, fleet: ${fleetOf(catalogFile, 'prod')} }
  cyclic: { etcd: ${etcd}, fleet: ${fleetOf(join(dir, 'cyclic.yaml'), 'cyclic')} }
channels:
  ops: { environment: local }
alerts: { enabled: false, rules: { catalog-drift: { forMs: 0 } } }
acl:
  rules:
    - { name: alice, users: [alice], verbs: ['*'], channels: [ops], environments: ['*'], allowYes: true }
    - { name: bob, users: [bob], verbs: ['*'], channels: [ops], environments: ['*'] }
`],
    env: { DEVBOT_REDIS_URL: inject('redisUrl'), ...(opts.alerts ? { DEVBOT_SLACK_BOT_TOKEN: 'xoxb-converge-alerts' } : {}) },
  });
  const deps = buildDeps(config, silentLogger());
  const chat = createRecordingChat();
  deps.chatFor = () => chat;
  const worker: WorkerHandle = startBullmqWorker(deps);
  let n = 0;
  const transport = { kind: 'console', session: uniqueName('s') } as const;
  const command = (text: string, user = 'alice') => handleCommand({ text, user, channel: 'ops', channelName: 'ops', transport, requestId: `req-${++n}-${Date.now()}` }, deps);
  const messageOf = async (jobId: string) => (await deps.jobState.load(jobId))?.message;
  const resultOf = async (jobId: string) => {
    await deps.queue.waitUntilFinished(jobId, 60_000);
    const result = (await deps.jobState.load(jobId))?.result;
    if (!result) throw new Error(`job ${jobId} has no result`);
    return { ...result, jobId };
  };
  return {
    deps, fleet, chat, catalogFile, command, resultOf,
    async runToEnd(text, user) {
      const reply = await command(text, user);
      if (reply.outcome !== 'queued') throw new Error(`not queued: ${reply.text}`);
      return resultOf(reply.jobId!);
    },
    async threadOf(jobId) {
      const ts = (await messageOf(jobId))?.ts;
      return chat.messages.filter((m) => m.op === 'post' && m.threadTs === ts).flatMap((m) => m.message.text.split('\n'));
    },
    async lastMessageOf(jobId) {
      const ts = (await messageOf(jobId))?.ts;
      return chat.messages.filter((m) => m.ts === ts && m.op !== 'ephemeral').at(-1)?.message.text ?? '';
    },
    writes: () => fleet.requests.filter((r) => r.method === 'PUT' || r.method === 'DELETE'),
    async close() {
      await worker.close();
      await deps.close();
      await fleet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
