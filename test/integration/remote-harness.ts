/**
 * The bot for the logs and exec tests: handleCommand, BullMQ with a real worker, a fleet fake
 * whose machines have the loopback addresses a real sshd listens on (127.0.0.2 and .3; .4 is a
 * machine nobody answers for), and stub `journalctl`, `docker` and `systemctl` on the session's
 * PATH. Uploads are recorded next to the posts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import type { CommandReply } from '../../src/commands/types.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { ProgressState } from '../../src/ports/job-state.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { createRecordingChat } from '../fakes/fake-stores.js';
import { startSshd, type Sshd } from '../harness/sshd.js';
import { uniqueName } from '../harness/unique.js';

/** `journalctl -u UNIT -n N …`: an args line, a line with secrets, then numbered lines up to N in all. */
const JOURNALCTL = `#!/bin/sh
echo "args: $*"
unit=$2; n=$4
set -- $SSH_CONNECTION
echo "2026-12-01T10:00:00+0000 $3 $unit: using xoxb-1111-2222-secret and DB_PASSWORD=hunter2-secret"
i=3; while [ $i -le $n ]; do echo "2026-12-01T10:00:00+0000 $3 $unit: line $i"; i=$((i+1)); done
`;
/** `docker ps`: says where it ran; exits 1 (a warning) on 127.0.0.3. */
const DOCKER = `#!/bin/sh
set -- $SSH_CONNECTION
echo "containers on $3"
[ "$3" = 127.0.0.3 ] && exit 1
exit 0
`;
const SYSTEMCTL = '#!/bin/sh\necho "systemctl $*"\n';

const CATALOG = `
services:
  web: { image: team/web, version: "1", instances: 2, env: { DB_PASSWORD: hunter2-secret, LOG_LEVEL: debug } }
`;

export interface RemoteBot {
  deps: BuiltDeps;
  fleet: FleetFake;
  sshd: Sshd;
  chat: ReturnType<typeof createRecordingChat>;
  uploads: Array<{ channel: string; threadTs?: string; filename: string; title: string; content: string }>;
  command(text: string, user?: string): Promise<CommandReply>;
  runToEnd(text: string): Promise<NonNullable<ProgressState['result']> & { jobId: string }>;
  threadOf(jobId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startRemoteBot(): Promise<RemoteBot> {
  const sshd = await startSshd({ addresses: ['127.0.0.2', '127.0.0.3'], stubs: { journalctl: JOURNALCTL, docker: DOCKER, systemctl: SYSTEMCTL } });
  const fleet = await startFleetFake({
    machines: [
      { name: 'worker-a', ip: '127.0.0.2', metadata: { role: 'worker', pool: 'all' } },
      { name: 'worker-b', ip: '127.0.0.3', metadata: { role: 'worker', pool: 'all' } },
      { name: 'data-a', ip: '127.0.0.4', metadata: { role: 'data', pool: 'all' } },
    ],
    timings: { scheduleMs: 10, startMs: 20, stopMs: 10 },
    tickMs: 10,
    containers: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'devbot-remote-'));
  writeFileSync(join(dir, 'services.yaml'), CATALOG);
  const etcd = `{ endpoints: [${inject('etcd').endpoints.join(', ')}] }`;
  const fleetConfig = `{ url: "${fleet.url}", catalog: "${join(dir, 'services.yaml')}", historyPrefix: "devbot-test/${uniqueName('remote')}" }`;
  const keys = (key: string) => `{ 127.0.0.2: "${key}", 127.0.0.3: "${key}", 127.0.0.4: "${key}" }`;
  const exec = `{
        docker-ps: { argv: [docker, ps] },
        unit-status: { argv: [systemctl, status, "{unit}"], args: { unit: "[a-z0-9@.-]+" } },
        restart-docker: { argv: [systemctl, restart, docker], dangerous: true, acl: { verb: units, target: docker } },
        slow: { argv: [sleep, "30"] } }`;
  const remote = (key: string, timeoutMs = 5000) => `{ user: ${sshd.user}, port: ${sshd.port}, hostKeys: ${keys(key)}, timeoutMs: ${timeoutMs}, exec: ${exec} }`;
  const config = loadConfig({
    documents: [`
redis: { prefix: ${uniqueName('remote')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local: { etcd: ${etcd}, fleet: ${fleetConfig}, remote: ${remote(sshd.hostKey)} }
  rebuilt: { etcd: ${etcd}, fleet: ${fleetConfig}, remote: ${remote(sshd.otherHostKey)} }
  slow: { etcd: ${etcd}, fleet: ${fleetConfig}, remote: ${remote(sshd.hostKey, 800)} }
channels:
  ops: { environment: local }
alerts: { enabled: false }
acl:
  rules:
    - { name: alice, users: [alice], verbs: ['*'], channels: [ops], environments: ['*'] }
    - { name: carol, users: [carol], verbs: [exec], channels: [ops], environments: ['*'] }
    - { name: dave, users: [dave], verbs: [exec, units], channels: [ops], environments: ['*'], targets: [docker] }
`],
    env: { DEVBOT_REDIS_URL: inject('redisUrl') },
  });
  const keyBefore = process.env.DEVBOT_SSH_KEY;
  process.env.DEVBOT_SSH_KEY = sshd.clientKey;
  const deps = buildDeps(config, silentLogger());
  const chat = createRecordingChat();
  const uploads: RemoteBot['uploads'] = [];
  const withUploads = { ...chat, upload: async (channel: string, file: { filename: string; title: string; content: string }, opts?: { threadTs?: string }) => void uploads.push({ channel, threadTs: opts?.threadTs, ...file }) };
  deps.chatFor = () => withUploads;
  const worker: WorkerHandle = startBullmqWorker(deps);
  await placeUnits(deps);
  let n = 0;
  const transport = { kind: 'console', session: uniqueName('s') } as const;
  const command = (text: string, user = 'alice') => handleCommand({ text, user, channel: 'ops', channelName: 'ops', transport, requestId: `req-${++n}-${Date.now()}` }, deps);
  const resultOf = async (jobId: string) => {
    await deps.queue.waitUntilFinished(jobId, 30_000);
    const result = (await deps.jobState.load(jobId))?.result;
    if (!result) throw new Error(`job ${jobId} has no result`);
    return { ...result, jobId };
  };
  return {
    deps, fleet, sshd, chat, uploads, command,
    async runToEnd(text) {
      const reply = await command(text);
      if (reply.outcome !== 'queued') throw new Error(`not queued: ${reply.text}`);
      return resultOf(reply.jobId!);
    },
    async threadOf(jobId) {
      const ts = (await deps.jobState.load(jobId))?.message?.ts;
      return chat.messages.filter((m) => m.op === 'post' && m.threadTs === ts).map((m) => m.message.text).join('\n');
    },
    async close() {
      await worker.close();
      await deps.close();
      await fleet.close();
      await sshd.close();
      if (keyBefore === undefined) delete process.env.DEVBOT_SSH_KEY;
      else process.env.DEVBOT_SSH_KEY = keyBefore;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** web@1 on worker-a, web@2 on worker-b, and cache on the data machine nobody answers for. */
async function placeUnits(deps: BuiltDeps): Promise<void> {
  const scheduler = deps.schedulerFor('local');
  const machines = await scheduler.machines();
  const on = (name: string) => [{ section: 'X-Fleet', name: 'MachineID', value: machines.find((m) => m.ip === name)!.id }];
  const service = [{ section: 'Service', name: 'ExecStart', value: '/bin/true' }];
  await scheduler.create('web@1.service', [...service, ...on('127.0.0.2')], 'launched');
  await scheduler.create('web@2.service', [...service, ...on('127.0.0.3')], 'launched');
  await scheduler.create('cache.service', [...service, ...on('127.0.0.4')], 'launched');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const active = (await scheduler.states()).filter((s) => s.activeState === 'active');
    if (active.length === 3) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the units did not become active in the fleet fake');
}
