/**
 * For the `/dev replace` tests: the whole bot (jobs-platform-bot.ts) over a replace world (fleet
 * fake and AWS HTTP fake wired as a real cluster behaves: test/harness/replace-world.ts). AWS is
 * reached through AWS_ENDPOINT_URL, as a user's devbot would.
 */
import { join } from 'node:path';
import type { FakeMachine, FleetFake } from '../../tools/fleet-fake/index.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { waitUntilUp } from '../../tools/local-cluster/members.js';
import { spawnDetached } from '../../tools/local-cluster/processes.js';
import type { LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { readState, writeState, type EtcdMemberEntry } from '../../tools/local-cluster/state.js';
import { awsFakeEnv, type AwsHttpFake, type FakeGroupModel } from '../fakes/aws-http-fake.js';
import type { FakeGroupInstance } from '../fakes/aws-scaling-state.js';
import { startReplaceWorld } from '../harness/replace-world.js';
import { MINIMAL_AWS } from '../unit/stack/aws-fixture.js';
import { ALICE, startBot, type Bot, type SlackMessage } from './jobs-platform-bot.js';

export const OPS = { id: 'C0MACHINES', name: 'machine-ops' } as const;
export { ALICE };
export const STACK = 'devbot-mr';

export interface ReplaceRig {
  bot: Bot;
  fleet: FleetFake;
  aws: AwsHttpFake;
  /** The fleet machine of each group instance, by instance id. */
  machineOf(instanceId: string): FakeMachine | undefined;
  group(logicalId: string): FakeGroupModel;
  /** Types the command, checks the preview shows `expect`, clicks Confirm; resolves with the job id and its progress message. */
  confirm(text: string, expect?: string[]): Promise<{ jobId: string; preview: string; progress: SlackMessage }>;
  /** The preview job refused: what the requester reads. */
  refusal(text: string): Promise<string>;
  resultOf(jobId: string, timeoutMs?: number): Promise<{ outcome: string; summary: string } | undefined>;
  close(): Promise<void>;
}

export interface RigOptions {
  etcdEndpoints?: string[];
  /** Fleet metadata of main node n (1-based) besides role=main. */
  mainMetadata?(n: number): Record<string, string>;
  pendingPolls?: number;
  /** When an instance is terminated, after fleet lost it (a main node's etcd dies with it). */
  onTerminate?(instance: FakeGroupInstance, group: FakeGroupModel): void;
  learnerTimeoutMs?: number;
}

const CONFIRMED = /^Confirmed: running as job (replace-[0-9a-f]{10})\.$/;

/** The bot over a replace world (test/harness/replace-world.ts): three main nodes, two workers with web.service and api.service. */
export async function startReplaceRig(opts: RigOptions = {}): Promise<ReplaceRig> {
  const world = await startReplaceWorld({
    stackName: STACK,
    ...(opts.mainMetadata ? { mainMetadata: opts.mainMetadata } : {}),
    ...(opts.pendingPolls !== undefined ? { pendingPolls: opts.pendingPolls } : {}),
    ...(opts.onTerminate ? { onTerminate: opts.onTerminate } : {}),
  });
  const { fleet, aws } = world;
  const saved = Object.fromEntries(Object.keys(awsFakeEnv(aws.url)).map((k) => [k, process.env[k]]));
  Object.assign(process.env, awsFakeEnv(aws.url));
  const etcd = (opts.etcdEndpoints ?? (await import('vitest')).inject('etcd').endpoints).join(', ');
  const bot = await startBot({
    config: `
environments:
  mr:
    etcd:
      endpoints: [${etcd}]
      replace: { learnerTimeoutMs: ${opts.learnerTimeoutMs ?? 20000}, pollMs: 200, maxLagEntries: 1000 }
    fleet: { url: "${fleet.url}", pollMs: 100 }
    aws: ${JSON.stringify({ ...MINIMAL_AWS, region: 'eu-west-1', stackName: STACK, pollIntervalMs: 100 })}
channels:
  ${OPS.name}: { id: ${OPS.id}, environment: mr }
acl:
  rules:
    - { name: machine-ops, users: [${ALICE}], verbs: [replace, machines, jobs, locks], channels: ['*'], environments: ['*'] }
`,
  });

  const rig: ReplaceRig = {
    bot, fleet, aws,
    machineOf: world.machineOf,
    group: world.group,
    async confirm(text, expect = []) {
      const after = Date.now();
      const ack = await bot.command(ALICE, text, OPS);
      if (!ack.shown.startsWith('Preparing a preview')) throw new Error(`not a preview: ${ack.shown}`);
      const preview = await bot.waitForPost(OPS, (v) => v.text.startsWith(`Confirm /dev ${text} in mr?`), { after });
      for (const part of expect) if (!preview.posted.shown.includes(part)) throw new Error(`the preview does not say "${part}": ${preview.posted.shown}`);
      const reply = await bot.click(ALICE, preview, 'Confirm');
      const jobId = CONFIRMED.exec(reply)?.[1];
      if (!jobId) throw new Error(`not confirmed: ${reply}`);
      return { jobId, preview: preview.posted.shown, progress: await bot.progressMessage(OPS, jobId) };
    },
    async refusal(text) {
      const after = Date.now();
      const ack = await bot.command(ALICE, text, OPS);
      if (!ack.shown.startsWith('Preparing a preview')) return ack.shown;
      const failed = await bot.waitForPost(OPS, (v) => v.text.startsWith(`:x: \`/dev ${text}\``), { after });
      return failed.posted.text;
    },
    async resultOf(jobId, timeoutMs = 60_000) {
      await bot.deps.queue.waitUntilFinished(jobId, timeoutMs);
      return (await bot.deps.jobState.load(jobId))?.result;
    },
    async close() {
      await bot.close();
      await world.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
  return rig;
}

/**
 * Starts etcd as the replaced main node's: its peer URL at the new machine's own (loopback)
 * address, its client URL on 127.0.0.1, joining the existing cluster with the settings devbot
 * posted. Killed with the cluster.
 */
export async function startMemberAt(cluster: LocalCluster, processName: string, peerUrl: string, settings: { name: string; initialCluster: string }): Promise<{ clientUrl: string }> {
  const [clientPort = 0] = await freePorts(1);
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const dataDir = join(cluster.dir, processName);
  const argv = [
    'etcd', '--name', settings.name, '--data-dir', dataDir,
    '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', settings.initialCluster, '--initial-cluster-state', 'existing',
    '--heartbeat-interval', '100', '--election-timeout', '1000', '--logger', 'zap', '--log-level', 'warn',
  ];
  const entry: EtcdMemberEntry = { name: processName, kind: 'etcd', pid: 0, argv, logFile: join(cluster.dir, `${processName}.log`), port: clientPort, status: 'running', clientUrl, peerUrl, dataDir };
  entry.pid = await spawnDetached(argv, entry.logFile);
  const state = readState(cluster.stateFile);
  state.processes.push(entry);
  writeState(cluster.stateFile, state);
  await waitUntilUp(entry);
  return { clientUrl };
}
