/**
 * The bot for the deploy tests: handleCommand / handleAction, BullMQ on the harness's Redis with a
 * real worker, the deployment history in the harness's real etcd, and the fleet fake (real HTTP,
 * containers answering health checks on loopback addresses). Chat is recorded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import type { CommandReply } from '../../src/commands/types.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ProgressState } from '../../src/ports/job-state.js';
import { silentLogger } from '../../src/log.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { createRecordingChat } from '../fakes/fake-stores.js';
import { uniqueName } from '../harness/unique.js';

export const MACHINES = [
  { name: 'main-a', metadata: { role: 'main', az: 'a' } },
  { name: 'main-b', metadata: { role: 'main', az: 'b' } },
  { name: 'main-c', metadata: { role: 'main', az: 'c' } },
  { name: 'worker-a', metadata: { role: 'worker', az: 'a' } },
];

/** web: 3 instances with an HTTP health check; solo: one unit on the worker, no health check. */
function catalogYaml(port: number): string {
  return `
services:
  web:
    description: Web app
    image: team/web
    version: "1.0"
    instances: 3
    ports: ["${port}:8080"]
    env: { MODE: production, SESSION_SECRET: { secret: web } }
    placement: { machineMetadata: { role: main } }
    health: { http: "http://{ip}:${port}/health", timeoutMs: 500, intervalMs: 50, withinMs: 600 }
  solo:
    image: team/solo
    version: "7"
    placement: { machineMetadata: { role: worker } }
`;
}

export interface DeployBot {
  deps: BuiltDeps;
  /** The fleet of environment `local`; `prod` (protected) has a fleet of its own. */
  fleet: FleetFake;
  prodFleet: FleetFake;
  chat: ReturnType<typeof createRecordingChat>;
  historyPrefix: string;
  command(text: string, user?: string): Promise<CommandReply>;
  /** Runs a command to the end of its job; resolves with the job's result. */
  runToEnd(text: string, user?: string): Promise<NonNullable<ProgressState['result']> & { jobId: string }>;
  confirm(previewJobId: string, user?: string): Promise<CommandReply>;
  /** Every line the job posted in its thread, in order. */
  threadOf(jobId: string): Promise<string[]>;
  /** The job message's text as last shown. */
  lastMessageOf(jobId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startDeployBot(): Promise<DeployBot> {
  const timings = { scheduleMs: 20, startMs: 100, stopMs: 30 };
  const [fleet, prodFleet] = await Promise.all([startFleetFake({ machines: MACHINES, timings, tickMs: 20 }), startFleetFake({ machines: MACHINES, timings, tickMs: 20 })]);
  const dir = mkdtempSync(join(tmpdir(), 'devbot-deploy-'));
  const [port] = await freePorts(1);
  writeFileSync(join(dir, 'services.yaml'), catalogYaml(port!));
  const historyPrefix = `devbot-test/${uniqueName('deployments')}`;
  const fleetOf = (url: string, env: string) =>
    `{ url: "${url}", catalog: "${join(dir, 'services.yaml')}", pollMs: 25, scheduleTimeoutMs: 1500, startTimeoutMs: 1500, requestTimeoutMs: 1000, historyPrefix: "${historyPrefix}/${env}" }`;
  const etcd = `{ endpoints: [${inject('etcd').endpoints.join(', ')}] }`;
  const config = loadConfig({
    documents: [
      `
redis: { prefix: ${uniqueName('deploy')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local: { etcd: ${etcd}, fleet: ${fleetOf(fleet.url, 'local')} }
  prod: { protected: true, etcd: ${etcd}, fleet: ${fleetOf(prodFleet.url, 'prod')} }
channels:
  ops: { environment: local }
acl:
  rules:
    - { name: alice, users: [alice], verbs: ['*'], channels: [ops], environments: ['*'], allowYes: true }
    - { name: bob, users: [bob], verbs: ['*'], channels: [ops], environments: ['*'] }
`,
    ],
    env: { DEVBOT_REDIS_URL: inject('redisUrl') },
  });
  const deps = buildDeps(config, silentLogger());
  const chat = createRecordingChat();
  deps.chatFor = () => chat;
  const worker: WorkerHandle = startBullmqWorker(deps);
  let n = 0;
  const transport = { kind: 'console', session: uniqueName('s') } as const;
  const command = (text: string, user = 'alice') =>
    handleCommand({ text, user, channel: 'ops', channelName: 'ops', transport, requestId: `req-${++n}-${Date.now()}` }, deps);
  const messageOf = async (jobId: string) => (await deps.jobState.load(jobId))?.message;

  return {
    deps,
    fleet,
    prodFleet,
    chat,
    historyPrefix,
    command,
    async runToEnd(text, user) {
      const reply = await command(text, user);
      if (reply.outcome !== 'queued') throw new Error(`not queued: ${reply.text}`);
      await deps.queue.waitUntilFinished(reply.jobId!, 20_000);
      const result = (await deps.jobState.load(reply.jobId!))?.result;
      if (!result) throw new Error(`job ${reply.jobId} has no result`);
      return { ...result, jobId: reply.jobId! };
    },
    confirm: (previewJobId, user = 'alice') =>
      handleAction({ action: 'confirm', value: previewJobId.replace(/-preview$/, ''), user, channel: 'ops', channelName: 'ops', transport, requestId: `click-${++n}` }, deps),
    async threadOf(jobId) {
      const ts = (await messageOf(jobId))?.ts;
      return chat.messages.filter((m) => m.op === 'post' && m.threadTs === ts).flatMap((m) => m.message.text.split('\n'));
    },
    async lastMessageOf(jobId) {
      const ts = (await messageOf(jobId))?.ts;
      return chat.messages.filter((m) => m.ts === ts && m.op !== 'ephemeral').at(-1)?.message.text ?? '';
    },
    async close() {
      await worker.close();
      await deps.close();
      await Promise.all([fleet.close(), prodFleet.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
