import { createHash, randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import type { CommandInput, CommandReply } from '../../commands/types.js';
import type { Logger } from '../../log.js';
import { escapeToFit } from '../../render/limits.js';
import { toSlackBlocks } from './slack-chat.js';
import { respondOrEphemeral } from './respond-or-ephemeral.js';
import { createWorkspaceCheck } from './workspace-check.js';

export type HandleCommand = (input: CommandInput) => Promise<CommandReply>;

/** Slack gives up on an ack after 3 s; past this we ack "working" and answer via response_url. */
export const ACK_DEADLINE_MS = 2_000;
export const WORKING_TEXT = 'Working on it…';

/**
 * Slack always sends a trigger_id; should one be missing, the same command from the same person in
 * the same channel within 30 s is still one request, so a retry cannot queue a second job.
 */
function requestIdWithoutTrigger(command: SlashCommand): string {
  const bucket = Math.floor(Date.now() / 30_000);
  const digest = createHash('sha256').update([command.team_id, command.user_id, command.channel_id, command.text, bucket].join('\n')).digest('hex');
  return `slack-${digest.slice(0, 24)}`;
}

/** The slash-command payload as a transport-neutral CommandInput. */
export function toCommandInput(command: SlashCommand): CommandInput {
  return {
    text: command.text ?? '',
    user: command.user_id,
    channel: command.channel_id,
    channelName: command.channel_name,
    transport: { kind: 'slack' },
    ...(command.response_url ? { responseUrl: command.response_url } : {}),
    // trigger_id is the same on Slack's retries, so the queue dedupes on it.
    requestId: command.trigger_id || requestIdWithoutTrigger(command),
  };
}

type Outcome = { ok: true; reply: CommandReply } | { ok: false; error: unknown };

/**
 * The `/dev` listener: hands the command to handleCommand and acks with its reply. A reply later
 * than `ackAfterMs` goes through response_url instead; a throw becomes "internal error, ref <id>".
 * It never throws, so Bolt's error path (500 after ack) is never taken. A command through Slack
 * Connect is marked `external` (see workspace-check.ts) for the ACL to refuse or allow.
 */
export function createSlashCommandListener(opts: { handleCommand: HandleCommand; log: Logger; ackAfterMs?: number }) {
  const ackAfterMs = opts.ackAfterMs ?? ACK_DEADLINE_MS;
  const fromOutside = createWorkspaceCheck(opts.log);
  return async ({ command, ack, respond, context, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const input = toCommandInput(command);
    // Made only when something is logged: handleCommand logs the request itself, and a child logger on every ack is paid for nothing.
    let child: Logger | undefined;
    const log = (): Logger => (child ??= opts.log.child({ requestId: input.requestId, user: input.user, channel: input.channel, command: command.command }));
    if (context.retryNum !== undefined) log().info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack retry');
    const origin = { team: command.team_id, extShared: command['is_ext_shared_channel'] };
    const pending: Promise<Outcome> = settle(async () => opts.handleCommand({ ...input, external: await fromOutside(client, origin) }));
    const first = await raceDeadline(pending, ackAfterMs);
    if (first !== 'late') {
      await safely(log, 'ack', () => ack(toResponse(first, log)));
      return;
    }
    await safely(log, 'ack', () => ack({ response_type: 'ephemeral', text: WORKING_TEXT }));
    const outcome = await pending;
    log().info({ afterMs: ackAfterMs }, 'late reply sent through response_url');
    await safely(log, 'respond', () => respondOrEphemeral(respond, client, { channel: input.channel, user: input.user }, toResponse(outcome, log), log()));
  };
}

function toResponse(outcome: Outcome, log: () => Logger): RespondArguments & { response_type: 'ephemeral' } {
  if (outcome.ok) {
    // Replies are plain text with usage lines such as `<service>`; Slack would read <…> as a link.
    // devbot's own <@U…> mentions stay mentions.
    const text = escapeToFit(outcome.reply.text);
    const { blocks } = outcome.reply;
    return blocks ? { response_type: 'ephemeral', text, blocks: toSlackBlocks(blocks) } : { response_type: 'ephemeral', text };
  }
  const ref = randomBytes(4).toString('hex');
  log().error({ err: outcome.error, ref }, 'handleCommand threw');
  return { response_type: 'ephemeral', text: `Sorry, devbot hit an internal error, ref ${ref}.` };
}

function settle(run: () => Promise<CommandReply>): Promise<Outcome> {
  return Promise.resolve()
    .then(run)
    .then((reply): Outcome => ({ ok: true, reply }), (error: unknown): Outcome => ({ ok: false, error }));
}

async function raceDeadline(pending: Promise<Outcome>, ms: number): Promise<Outcome | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([pending, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `log` gives the logger only when a failure is logged (see the listener's lazy child). */
async function safely(log: () => Logger, what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    log().error({ err }, `Slack ${what} failed`);
  }
}

/**
 * Answers a slash command other than devbot's: Bolt does not ack unmatched commands (Slack then
 * shows a timeout after 3 s), so a misnamed command in the Slack app settings gets a clear answer.
 */
export function createUnknownCommandListener(opts: { command: string; log: Logger }) {
  return async ({ command, ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    opts.log.warn({ command: command.command, expected: opts.command }, 'slash command not handled by devbot');
    await safely(() => opts.log, 'ack', () =>
      ack({ response_type: 'ephemeral', text: `devbot answers ${opts.command}, not ${command.command}. Check the slash command in the Slack app settings.` }),
    );
  };
}
