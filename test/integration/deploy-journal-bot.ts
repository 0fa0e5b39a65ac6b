/**
 * The bot for a failed deploy's journal and Rollback button: the real Bolt receiver (signed slash
 * commands and clicks in), the fake Slack Web API, BullMQ with a real worker running the real
 * deploy and rollback kinds, the deployment history in the harness's etcd, a fleet fake whose
 * machines have the loopback addresses a real sshd listens on (127.0.0.2, 127.0.0.3), and one
 * machine (127.0.0.4) whose SSH port accepts connections and never says a word.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import { startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { blockActionsPayload, postInteraction, postSlashCommand } from '../fakes/slack-signing.js';
import { startSshd, type Sshd } from '../harness/sshd.js';
import { uniqueName } from '../harness/unique.js';
import { viewOf, type View } from './jobs-platform-bot.js';

const SECRET = 'deploy-journal-signing-secret';
const WAIT_MS = 20_000;
export const OPS = { id: 'C0OPS', name: 'ops' } as const;
export const ALICE = 'U0ALICE'; // may deploy and roll back, and skip confirmations
export const BOB = 'U0BOB'; // may deploy, not roll back

/** `journalctl -u UNIT -n N …`: the args, a line with secrets, then numbered lines up to N in all. */
const JOURNALCTL = `#!/bin/sh
echo "args: $*"
unit=$2; n=$4
echo "$unit: starting with API_TOKEN=tok-crashy-123 and xoxb-1111-2222-secret"
i=3; while [ $i -le $n ]; do echo "$unit: crash line $i"; i=$((i+1)); done
`;

const CATALOG = `
services:
  crashy:
    image: team/crashy
    version: "1"
    placement: { machineMetadata: { role: worker } }
  lost:
    image: team/lost
    version: "1"
    placement: { machineMetadata: { role: data } }
`;

export interface SlackMessage {
  channel: string;
  ts: string;
  posted: View;
}

export interface JournalBot {
  fake: FakeSlackApi;
  fleet: FleetFake;
  deps: BuiltDeps;
  /** Types `/dev <text>` as `user` in #ops; resolves with the ack's text. */
  command(user: string, text: string): Promise<string>;
  /** The job message once it shows the job's end. */
  finalMessage(jobId: string): Promise<SlackMessage & { view: View }>;
  /** Clicks the button labelled `label` (a prefix) on the message as it is shown now; resolves with the ephemeral answer. */
  click(user: string, message: SlackMessage, label: string): Promise<string>;
  /** Waits for a new top-level message in #ops whose view matches. */
  waitForPost(match: (v: View) => boolean): Promise<SlackMessage>;
  close(): Promise<void>;
}

export async function startJournalBot(): Promise<JournalBot> {
  const sshd: Sshd = await startSshd({ addresses: ['127.0.0.2', '127.0.0.3'], stubs: { journalctl: JOURNALCTL } });
  const silent = await silentSsh('127.0.0.4', sshd.port);
  const fleet = await startFleetFake({
    machines: [
      { name: 'worker-a', ip: '127.0.0.2', metadata: { role: 'worker' } },
      { name: 'data-a', ip: '127.0.0.4', metadata: { role: 'data' } },
    ],
    timings: { scheduleMs: 10, startMs: 30, stopMs: 10 },
    tickMs: 10,
    containers: false,
  });
  const fake = await startFakeSlackApi();
  const dir = mkdtempSync(join(tmpdir(), 'devbot-deploy-journal-'));
  writeFileSync(join(dir, 'services.yaml'), CATALOG);
  const etcd = `{ endpoints: [${inject('etcd').endpoints.join(', ')}] }`;
  const fleetConfig = `{ url: "${fleet.url}", catalog: "${join(dir, 'services.yaml')}", pollMs: 25, scheduleTimeoutMs: 1500, startTimeoutMs: 1500, requestTimeoutMs: 1000, historyPrefix: "devbot-test/${uniqueName('journal')}" }`;
  const keys = `{ 127.0.0.2: "${sshd.hostKey}", 127.0.0.4: "${sshd.hostKey}" }`;
  const config = loadConfig({
    documents: [`
slack: { port: 0 }
redis: { prefix: ${uniqueName('journal')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local: { protected: true, etcd: ${etcd}, fleet: ${fleetConfig}, remote: { user: ${sshd.user}, port: ${sshd.port}, hostKeys: ${keys}, timeoutMs: 10000 } }
channels:
  ${OPS.name}: { id: ${OPS.id}, environment: local }
alerts: { enabled: false }
acl:
  rules:
    - { name: alice, users: [${ALICE}], verbs: [deploy, rollback], channels: ['*'], environments: ['*'], allowYes: true }
    - { name: bob, users: [${BOB}], verbs: [deploy], channels: ['*'], environments: ['*'], allowYes: true }
`],
    env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-journal', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url },
  });
  const keyBefore = process.env.DEVBOT_SSH_KEY;
  process.env.DEVBOT_SSH_KEY = sshd.clientKey;
  const log = silentLogger();
  const deps = buildDeps(config, log);
  const worker: WorkerHandle = startBullmqWorker(deps);
  const slack: SlackApp = await createSlackApp({ config, log, handleCommand: (input) => handleCommand(input, deps), handleAction: (input) => handleAction(input, deps) });
  await slack.start();
  const eventsUrl = `http://127.0.0.1:${slack.port()}/slack/events`;

  const current = (m: SlackMessage): View => {
    const last = fake.callsTo('chat.update').filter((c) => c.params['channel'] === m.channel && c.params['ts'] === m.ts && c.error === undefined).at(-1);
    return last ? viewOf(last.params) : m.posted;
  };
  const waitForPost: JournalBot['waitForPost'] = async (match) => {
    const call = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === OPS.id && c.ts !== undefined && c.params['thread_ts'] === undefined && match(viewOf(c.params)), WAIT_MS);
    return { channel: OPS.id, ts: call.ts!, posted: viewOf(call.params) };
  };
  return {
    fake, fleet, deps, waitForPost,
    async command(user, text) {
      const res = await postSlashCommand(eventsUrl, SECRET, { text, user_id: user, user_name: user.toLowerCase(), channel_id: OPS.id, channel_name: OPS.name });
      return res.body ? viewOf(JSON.parse(res.body) as Record<string, unknown>).shown : '';
    },
    async finalMessage(jobId) {
      const message = await waitForPost((v) => v.text.includes(`(job ${jobId},`));
      const ended = (v: View) => / — (succeeded|failed|cancelled) \(job /.test(v.text);
      if (!ended(current(message))) {
        await fake.waitForCall('chat.update', (c) => c.params['ts'] === message.ts && c.error === undefined && ended(viewOf(c.params)), WAIT_MS);
      }
      return { ...message, view: current(message) };
    },
    async click(user, message, label) {
      const button = current(message).buttons.find((b) => b.label.startsWith(label));
      if (!button) throw new Error(`no [${label}…] button on the message (it shows: ${current(message).shown})`);
      const responseId = randomUUID();
      const payload = blockActionsPayload({ userId: user, channelId: OPS.id, channelName: OPS.name, actionId: button.actionId, value: button.value, blockId: button.blockId, messageTs: message.ts, responseUrl: fake.responseUrl(responseId) });
      const res = await postInteraction(eventsUrl, SECRET, payload);
      if (res.status !== 200) throw new Error(`the click was answered with HTTP ${res.status}: ${res.body}`);
      const answer = await fake.waitForCall('response_url', (c) => c.responseId === responseId, WAIT_MS);
      return String(answer.params['text'] ?? '');
    },
    async close() {
      await slack.stop();
      await worker.close();
      await deps.close();
      await fake.close();
      await fleet.close();
      await sshd.close();
      await silent.close();
      if (keyBefore === undefined) delete process.env.DEVBOT_SSH_KEY;
      else process.env.DEVBOT_SSH_KEY = keyBefore;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A machine that accepts the TCP connection and never speaks SSH: the hung box an operator cannot reach. */
async function silentSsh(host: string, port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  return {
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
