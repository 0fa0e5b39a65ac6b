/**
 * The stack verbs through the whole platform: handleCommand / handleAction, BullMQ on the
 * harness's Redis, a real worker, console transport (messages land in a Redis stream we read),
 * and CloudFormation played by the stateful fake behind the real AWS adapter.
 */
import { Redis } from 'ioredis';
import { expect, inject } from 'vitest';
import { createAwsStacks } from '../../src/adapters/aws/aws-stacks.js';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { consoleStreamKey, readConsoleEvents, type ConsoleEvent } from '../../src/adapters/console/stream-chat.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { awsSchema } from '../../src/config/aws-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { Groups } from '../../src/ports/groups.js';
import { buildClusterTemplate } from '../../src/stack/cluster-template.js';
import { createFakeCloudFormation, type FakeCloudFormation } from '../fakes/fake-cloudformation.js';
import { uniqueName } from '../harness/unique.js';

export const AWS = { region: 'eu-west-1', imageId: 'ami-0123456789abcdef0', sshCidr: '203.0.113.0/24', etcd: { discoveryUrl: 'https://discovery.etcd.io/abc' } };

/** The template of the stack as it runs now: like the config, except two workers instead of three. */
export const liveTemplate = (workers = 2) => buildClusterTemplate('prod', awsSchema.parse({ ...AWS, groups: { worker: { desired: workers } } }));

export interface StackBot {
  deps: BuiltDeps;
  cfn: FakeCloudFormation;
  /** `/dev <text>` as alice in #ops (prod, AWS configured) or #bare (no aws section). */
  run(text: string, channel?: 'ops' | 'bare'): Promise<{ text: string; jobId?: string; outcome: string }>;
  confirm(previewJobId: string): Promise<string>;
  /** Waits for the job and returns its recorded result. */
  finish(jobId: string): Promise<{ outcome: string; summary: string } | undefined>;
  /** Every message of the session so far. */
  events(): Promise<ConsoleEvent[]>;
  /** The lines posted in the thread of the job's progress message. */
  threadOf(jobId: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startStackBot(groups?: Groups): Promise<StackBot> {
  const prefix = uniqueName('stack');
  const config = loadConfig({
    documents: [`
redis: { prefix: ${prefix} }
jobs: { queue: ${uniqueName('q')} }
environments:
  prod:
    etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] }
    aws: ${JSON.stringify({ ...AWS, pollIntervalMs: 5, groups: { worker: { desired: 3 } } })}
  bare:
    etcd: { endpoints: [${inject('etcd').endpoints.join(', ')}] }
channels:
  ops: { environment: prod }
  bare: { environment: bare }
acl:
  rules:
    - { name: sre, users: [alice], verbs: ['*'], channels: [ops, bare], environments: [prod, bare], allowYes: true }
`],
    env: { DEVBOT_REDIS_URL: inject('redisUrl') },
  });
  const deps = buildDeps(config, silentLogger());
  const cfn = createFakeCloudFormation();
  const noWait = { sleep: async () => {}, random: () => 0 };
  deps.stacksFor = () => createAwsStacks(cfn.client, noWait);
  if (groups) deps.groupsFor = () => groups;
  const worker: WorkerHandle = startBullmqWorker(deps);
  const redis = new Redis(inject('redisUrl'));
  const session = uniqueName('session');
  const transport = { kind: 'console' as const, session };
  let n = 0;

  const events = async () => (await readConsoleEvents(redis, consoleStreamKey(prefix, session), '0', 0)).map((e) => e.event);
  const finish = async (jobId: string) => {
    await deps.queue.waitUntilFinished(jobId, 20_000);
    return (await deps.jobState.load(jobId))?.result;
  };
  return {
    deps,
    cfn,
    events,
    finish,
    run: (text, channel = 'ops') => handleCommand({ text, user: 'alice', channel, channelName: channel, transport, requestId: `req-${++n}-${Date.now()}` }, deps),
    async confirm(previewJobId) {
      await deps.queue.waitUntilFinished(previewJobId, 20_000);
      const reply = await handleAction({ action: 'confirm', value: previewJobId.replace(/-preview$/, ''), user: 'alice', channel: 'ops', channelName: 'ops', transport, requestId: `click-${++n}` }, deps);
      return reply.text;
    },
    async threadOf(jobId) {
      const message = (await deps.jobState.load(jobId))?.message;
      expect(message, `job ${jobId} has a progress message`).toBeDefined();
      return (await events()).filter((e) => e.type === 'post' && e.threadTs === message!.ts).flatMap((e) => e.text.split('\n'));
    },
    async close() {
      await worker.close();
      redis.disconnect();
      await deps.close();
    },
  };
}

/** Event lines without their time of day: "WorkerGroup (AWS::AutoScaling::AutoScalingGroup) UPDATE_COMPLETE". */
export const eventLines = (thread: string[]) => thread.filter((l) => /^\d\d:\d\d:\d\d /.test(l)).map((l) => l.slice(9));
