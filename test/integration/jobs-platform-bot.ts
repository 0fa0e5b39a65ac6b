/**
 * The whole bot for the jobs-platform tests, as `devbot serve` + `devbot worker` run it: the real
 * Bolt receiver (signed slash commands and button clicks in), handleCommand / handleAction, BullMQ
 * on the harness's Redis, a real worker, and the fake Slack Web API recording what users would see.
 * Only the job kinds are scripted (test/fakes/scripted-job-kind.ts).
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { JobKind } from '../../src/jobs/job-kind.js';
import { silentLogger } from '../../src/log.js';
import { uniqueName } from '../harness/unique.js';
import { createScriptedKind, type ScriptedKind } from '../fakes/scripted-job-kind.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { blockActionsPayload, postInteraction, postSlashCommand, type SlashCommandFields } from '../fakes/slack-signing.js';

const SECRET = 'jobs-platform-signing-secret';
const WAIT_MS = 10_000;

export const ALICE = 'U0ALICE'; // on call
export const BOB = 'U0BOB'; // on call
export const CAROL = 'U0CAROL'; // may only look (jobs, locks, audit)
export const DAVE = 'U0DAVE'; // may skip confirmations with --yes

/** dev: plain; staging: protected; prod: protected and needs a second person to approve. */
export const DEV = { id: 'C0DEV', name: 'dev-ops' } as const;
export const STAGING = { id: 'C0STAGING', name: 'staging-ops' } as const;
export const PROD = { id: 'C0PROD', name: 'prod-ops' } as const;
export type Channel = { id: string; name: string };

/** What a user sees of one message: its fallback text, its blocks as text, and its buttons. */
export interface View {
  text: string;
  /** The blocks as the Slack client shows them (section/context text, `[Label]` for buttons); else the text. */
  shown: string;
  buttons: Array<{ label: string; actionId: string; value: string; blockId?: string }>;
  threadTs?: string;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  posted: View;
  postedAt: number;
}

export interface Ack {
  status: number;
  /** What Slack shows for the ephemeral ack (blocks as text when it has blocks). */
  shown: string;
  /** The job id the ack names, if any ("Queued as job deploy-…"). */
  jobId?: string;
}

export interface Bot {
  fake: FakeSlackApi;
  deps: BuiltDeps;
  prefix: string;
  /** Scripted stand-ins for the failover (target: database) and deploy (target: service) kinds. */
  failover: ScriptedKind;
  deploy: ScriptedKind;
  /** Types `/dev <text>` as `user` in `channel`; resolves with the ack. */
  command(user: string, text: string, channel: Channel, fields?: Partial<SlashCommandFields>): Promise<Ack>;
  /**
   * Clicks the button labelled `label` on `message` as `user` and resolves with the ephemeral
   * answer. The button must be on the message as shown now (or, with `stale`, as first posted: a
   * click from a client that had not yet seen the update).
   */
  click(user: string, message: SlackMessage, label: string, opts?: { stale?: boolean; userTeam?: string }): Promise<string>;
  /** Waits for a new top-level message in `channel` whose view matches. */
  waitForPost(channel: Channel, match: (v: View) => boolean, opts?: { after?: number }): Promise<SlackMessage>;
  /** The job's live progress message (its fallback text names the job). */
  progressMessage(channel: Channel, jobId: string): Promise<SlackMessage>;
  /** Waits until the message, updated in place, matches; resolves with that version. */
  waitForUpdate(message: SlackMessage, match: (v: View) => boolean): Promise<View>;
  /** The message as it is shown now (its latest update). */
  current(message: SlackMessage): View;
  /** Every update of the message so far, oldest first. */
  updates(message: SlackMessage): RecordedCall[];
  /** The texts posted in the message's thread, oldest first. */
  thread(message: SlackMessage): string[];
  /** Waits for a reply in the message's thread whose text matches. */
  waitForThread(message: SlackMessage, match: (text: string) => boolean): Promise<string>;
  close(): Promise<void>;
}

function blockText(block: Record<string, unknown>): string[] {
  const textOf = (t: unknown) => (t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text) : '');
  switch (block['type']) {
    case 'section':
    case 'header':
      return [textOf(block['text']), ...((block['fields'] as unknown[] | undefined) ?? []).map(textOf)];
    case 'context':
      return [((block['elements'] as unknown[] | undefined) ?? []).map(textOf).join(' ')];
    case 'actions':
      return [((block['elements'] as Array<Record<string, unknown>> | undefined) ?? []).map((e) => `[${textOf(e['text'])}]`).join(' ')];
    default:
      return [];
  }
}

export function viewOf(params: Record<string, unknown>): View {
  const blocks = Array.isArray(params['blocks']) ? (params['blocks'] as Array<Record<string, unknown>>) : undefined;
  const text = String(params['text'] ?? '');
  const buttons = (blocks ?? [])
    .filter((b) => b['type'] === 'actions')
    .flatMap((b) =>
      ((b['elements'] as Array<Record<string, unknown>> | undefined) ?? []).map((e) => ({
        label: String((e['text'] as { text?: unknown } | undefined)?.text ?? ''),
        actionId: String(e['action_id']),
        value: String(e['value'] ?? ''),
        blockId: typeof b['block_id'] === 'string' ? b['block_id'] : undefined,
      })),
    );
  const threadTs = typeof params['thread_ts'] === 'string' ? params['thread_ts'] : undefined;
  return { text, shown: blocks ? blocks.flatMap(blockText).join('\n') : text, buttons, ...(threadTs ? { threadTs } : {}) };
}

const JOB_ID = /job `?([a-z]+-[0-9a-f]{10})\b/;

export interface BotOptions {
  confirmTimeoutMs?: number;
  concurrency?: number;
  /** A YAML document merged over the bot's config (mappings merge, lists replace). */
  config?: string;
}

export async function startBot(opts: BotOptions = {}): Promise<Bot> {
  const fake = await startFakeSlackApi();
  const prefix = uniqueName('jobs');
  const etcd = inject('etcd').endpoints.join(', ');
  const config = loadConfig({
    documents: [
      `
slack: { port: 0 }
redis: { prefix: ${prefix} }
jobs: { queue: ${uniqueName('q')}, concurrency: ${opts.concurrency ?? 8}, confirmTimeoutMs: ${opts.confirmTimeoutMs ?? 60_000} }
environments:
  dev: { etcd: { endpoints: [${etcd}] } }
  staging: { protected: true, etcd: { endpoints: [${etcd}] } }
  prod: { protected: true, approvals: 2, etcd: { endpoints: [${etcd}] } }
channels:
  ${DEV.name}: { id: ${DEV.id}, environment: dev }
  ${STAGING.name}: { id: ${STAGING.id}, environment: staging }
  ${PROD.name}: { id: ${PROD.id}, environment: prod }
acl:
  groups: { oncall: [${ALICE}, ${BOB}] }
  rules:
    - { name: oncall, groups: [oncall], verbs: [deploy, rollback, failover, stack, jobs, cancel, locks, audit], channels: ['*'], environments: ['*'] }
    - { name: viewers, users: [${CAROL}], verbs: [jobs, locks, audit], channels: ['*'], environments: ['*'] }
    - { name: fast-hands, users: [${DAVE}], verbs: [deploy, failover, cancel, jobs, locks], channels: ['*'], environments: ['*'], allowYes: true }
`,
      ...(opts.config ? [opts.config] : []),
    ],
    env: { DEVBOT_REDIS_URL: inject('redisUrl'), DEVBOT_SLACK_BOT_TOKEN: 'xoxb-jobs-platform', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url },
  });
  const log = silentLogger();
  const deps = buildDeps(config, log);
  const failover = createScriptedKind({ kind: 'failover', targetField: 'database', title: (db, env) => `Failover of ${db} (${env})` });
  const deploy = createScriptedKind({ kind: 'deploy', targetField: 'service', title: (svc, env) => `Deploy of ${svc} to ${env}` });
  deps.jobKinds = { ...deps.jobKinds, failover: failover.jobKind as unknown as JobKind<never>, deploy: deploy.jobKind as unknown as JobKind<never> };
  const worker: WorkerHandle = startBullmqWorker(deps);
  const slack: SlackApp = await createSlackApp({
    config,
    log,
    handleCommand: (input) => handleCommand(input, deps),
    handleAction: (input) => handleAction(input, deps),
  });
  await slack.start();
  const eventsUrl = `http://127.0.0.1:${slack.port()}/slack/events`;

  const isUpdateOf = (m: SlackMessage) => (c: RecordedCall) => c.params['channel'] === m.channel && c.params['ts'] === m.ts;
  const updates = (m: SlackMessage) => fake.callsTo('chat.update').filter(isUpdateOf(m)).filter((c) => c.error === undefined);
  const current = (m: SlackMessage): View => {
    const last = updates(m).at(-1);
    return last ? viewOf(last.params) : m.posted;
  };
  const waitForPost: Bot['waitForPost'] = async (channel, match, o = {}) => {
    const call = await fake.waitForCall(
      'chat.postMessage',
      (c) => c.params['channel'] === channel.id && c.ts !== undefined && c.params['thread_ts'] === undefined && c.receivedAt >= (o.after ?? 0) && match(viewOf(c.params)),
      WAIT_MS,
    );
    return { channel: channel.id, ts: call.ts!, posted: viewOf(call.params), postedAt: call.receivedAt };
  };

  return {
    fake,
    deps,
    prefix,
    failover,
    deploy,
    async command(user, text, channel, fields = {}) {
      const res = await postSlashCommand(eventsUrl, SECRET, { text, user_id: user, user_name: user.toLowerCase(), channel_id: channel.id, channel_name: channel.name, ...fields });
      const body = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
      const shown = viewOf(body).shown;
      return { status: res.status, shown, jobId: JOB_ID.exec(String(body['text'] ?? ''))?.[1] };
    },
    async click(user, message, label, o = {}) {
      const view = o.stale ? message.posted : current(message);
      const button = view.buttons.find((b) => b.label === label);
      if (!button) throw new Error(`no [${label}] button on the message (it shows: ${view.shown})`);
      const channel = [DEV, STAGING, PROD].find((c) => c.id === message.channel) ?? { id: message.channel, name: message.channel };
      const responseId = randomUUID();
      const payload = blockActionsPayload({
        userId: user,
        channelId: channel.id,
        channelName: channel.name,
        actionId: button.actionId,
        value: button.value,
        blockId: button.blockId,
        messageTs: message.ts,
        responseUrl: fake.responseUrl(responseId),
      });
      // A member of another workspace clicking in a Slack Connect channel.
      if (o.userTeam) (payload['user'] as Record<string, unknown>)['team_id'] = o.userTeam;
      const res = await postInteraction(eventsUrl, SECRET, payload);
      if (res.status !== 200) throw new Error(`the click was answered with HTTP ${res.status}: ${res.body}`);
      const answer = await fake.waitForCall('response_url', (c) => c.responseId === responseId, WAIT_MS);
      return String(answer.params['text'] ?? '');
    },
    waitForPost,
    progressMessage: (channel, jobId) => waitForPost(channel, (v) => v.text.includes(`(job ${jobId},`)),
    async waitForUpdate(message, match) {
      const call = await fake.waitForCall('chat.update', (c) => isUpdateOf(message)(c) && c.error === undefined && match(viewOf(c.params)), WAIT_MS);
      return viewOf(call.params);
    },
    current,
    updates,
    thread: (m) => fake.callsTo('chat.postMessage').filter((c) => c.params['channel'] === m.channel && c.params['thread_ts'] === m.ts).map((c) => String(c.params['text'] ?? '')),
    async waitForThread(m, match) {
      const call = await fake.waitForCall('chat.postMessage', (c) => c.params['channel'] === m.channel && c.params['thread_ts'] === m.ts && match(String(c.params['text'] ?? '')), WAIT_MS);
      return String(call.params['text'] ?? '');
    },
    async close() {
      failover.openAll();
      deploy.openAll();
      await slack.stop();
      await worker.close();
      await deps.close();
      await fake.close();
    },
  };
}
