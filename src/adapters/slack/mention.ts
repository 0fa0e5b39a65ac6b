import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { CommandInput, CommandReply } from '../../commands/types.js';
import type { Logger } from '../../log.js';
import { escapeToFit } from '../../render/limits.js';
import { readMention, type Mention } from './mention-event.js';
import { toSlackBlocks } from './slack-chat.js';
import type { HandleCommand } from './slash-command.js';
import { createWorkspaceCheck } from './workspace-check.js';

/** Claims a key once across serve processes (true the first time); see ports/event-claims.ts. */
export type ClaimEvent = (key: string) => Promise<boolean>;

type Client = AllMiddlewareArgs['client'];

/**
 * `@devbot <command>` in a channel (app_mention) and any message in a DM with devbot (message.im):
 * the same handleCommand as `/dev`. Each message runs once: Slack's redeliveries (same event_id)
 * and the same message arriving as two events (same client_msg_id) are claimed in Redis first.
 * The answer goes in the mention's thread; a denial in a channel is ephemeral (only the asker
 * sees it, in that thread) so a refused command does not shout in the channel. Never throws.
 */
export function createMentionListener(opts: { handleCommand: HandleCommand; claimEvent: ClaimEvent; log: Logger }) {
  const fromOutside = createWorkspaceCheck(opts.log);
  return async ({ event, body, context, client }: SlackEventMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const read = readMention(event as unknown as Record<string, unknown>, body as unknown as Record<string, unknown>, context.botUserId);
    if ('ignored' in read) {
      opts.log.debug({ type: event.type, reason: read.ignored }, 'Slack event ignored');
      return;
    }
    const m = read.mention;
    const log = opts.log.child({ requestId: `event-${m.eventId}`, user: m.user, channel: m.channel, eventId: m.eventId });
    if (context.retryNum !== undefined) log.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack retry');
    let first: boolean;
    try {
      first = await claimOnce(opts.claimEvent, m);
    } catch (err) {
      log.error({ err }, 'could not claim the Slack event');
      await post(client, m, { text: ':warning: devbot could not record this request (Redis is unavailable), so it did not run it. Try again in a moment.', outcome: 'error' }, log);
      return;
    }
    if (!first) {
      log.info('Slack event already handled (redelivery or duplicate)');
      return;
    }
    const reply = await opts.handleCommand({ ...toCommandInput(m), external: await fromOutside(client, { team: m.team, userTeam: m.userTeam }) }).catch((err: unknown): CommandReply => {
      const ref = randomBytes(4).toString('hex');
      log.error({ err, ref }, 'handleCommand threw');
      return { text: `Sorry, devbot hit an internal error, ref ${ref}.`, outcome: 'error' };
    });
    await post(client, m, reply, log);
  };
}

/** Both keys are claimed, so a message seen as app_mention and as message.im runs once. */
async function claimOnce(claim: ClaimEvent, m: Mention): Promise<boolean> {
  if (!(await claim(`event:${m.eventId}`))) return false;
  return m.clientMsgId === undefined || claim(`message:${m.clientMsgId}`);
}

export function toCommandInput(m: Mention): CommandInput {
  return {
    text: m.text,
    user: m.user,
    channel: m.channel,
    // Events carry no channel name: configured channels are found by their `id`.
    channelName: m.directMessage ? 'dm' : m.channel,
    transport: { kind: 'slack' },
    directMessage: m.directMessage || undefined,
    threadTs: m.threadTs,
    replyInThread: replyThread(m),
    // event_id is the same on Slack's redeliveries, so job ids (derived from it) are too.
    requestId: `event-${m.eventId}`,
  };
}

/** In a channel: in the mention's thread. In a DM: in the conversation (its thread, if it was in one). */
const replyThread = (m: Mention): string | undefined => (m.directMessage ? m.threadTs : (m.threadTs ?? m.ts));

async function post(client: Client, m: Mention, reply: CommandReply, log: Logger): Promise<void> {
  const thread = replyThread(m);
  const text = escapeToFit(reply.text);
  try {
    if (reply.outcome === 'denied' && !m.directMessage) {
      await client.chat.postEphemeral({ channel: m.channel, user: m.user, text, ...(thread ? { thread_ts: thread } : {}) });
      return;
    }
    const blocks = reply.blocks ? { blocks: toSlackBlocks(reply.blocks) } : {};
    await client.chat.postMessage({ channel: m.channel, text, ...blocks, ...(thread ? { thread_ts: thread } : {}) });
  } catch (err) {
    log.error({ err }, 'could not post the answer to a mention');
  }
}
