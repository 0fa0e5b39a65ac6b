/**
 * Slack at the wire for benches that run the shipped `devbot serve`: the secrets a deployment puts
 * in the environment, signed slash commands in, and button clicks on messages the Web API fake saw.
 */
import { randomUUID } from 'node:crypto';
import type { FakeSlackApi, RecordedCall } from '../../test/fakes/slack-api.js';
import { blockActionsPayload, postInteraction, postSlashCommand } from '../../test/fakes/slack-signing.js';

export const SIGNING_SECRET = 'bench-signing-secret';
export const BOT_TOKEN = 'xoxb-bench-token';

/** Who types, and where: the config's `channels.ops.id` and an ACL rule name this user. */
export interface SlackPlace {
  userId: string;
  channelId: string;
  channelName: string;
}

/** What `devbot serve` / `devbot worker` get from their environment: Redis, the Slack API fake, the secrets. */
export function slackEnv(redisUrl: string, slackApiUrl: string): Record<string, string> {
  return { DEVBOT_REDIS_URL: redisUrl, DEVBOT_SLACK_API_URL: slackApiUrl, DEVBOT_SLACK_BOT_TOKEN: BOT_TOKEN, DEVBOT_SLACK_SIGNING_SECRET: SIGNING_SECRET };
}

/** `/dev <text>` as Slack POSTs it; returns the ack's text. */
export async function typeCommand(serveUrl: string, place: SlackPlace, text: string): Promise<string> {
  const res = await postSlashCommand(serveUrl, SIGNING_SECRET, { user_id: place.userId, user_name: place.userId.toLowerCase(), channel_id: place.channelId, channel_name: place.channelName, text });
  if (res.status !== 200) throw new Error(`devbot serve answered HTTP ${res.status} to "/dev ${text}": ${res.body}`);
  return String((res.json() as { text?: unknown }).text ?? '');
}

export interface Button {
  actionId: string;
  value: string;
  blockId?: string;
}

/** The button with `actionId` in a posted message's blocks (as chat.postMessage carried them). */
export function buttonIn(call: RecordedCall, actionId: string): Button | undefined {
  const blocks = Array.isArray(call.params['blocks']) ? (call.params['blocks'] as Array<Record<string, unknown>>) : [];
  for (const block of blocks) {
    if (block['type'] !== 'actions' || !Array.isArray(block['elements'])) continue;
    for (const e of block['elements'] as Array<Record<string, unknown>>) {
      if (e['action_id'] === actionId && typeof e['value'] === 'string') return { actionId, value: e['value'], ...(typeof block['block_id'] === 'string' ? { blockId: block['block_id'] } : {}) };
    }
  }
  return undefined;
}

/**
 * Clicks `button` on the message `posted` (a chat.postMessage call) as `place.userId` would: a
 * signed block_actions payload into serve. Returns the response_url id the clicker's answer goes to.
 */
export async function clickButton(serveUrl: string, fake: FakeSlackApi, place: SlackPlace, posted: RecordedCall, button: Button): Promise<string> {
  const responseId = randomUUID();
  const payload = blockActionsPayload({
    userId: place.userId,
    channelId: place.channelId,
    channelName: place.channelName,
    actionId: button.actionId,
    value: button.value,
    ...(button.blockId ? { blockId: button.blockId } : {}),
    ...(posted.ts ? { messageTs: posted.ts } : {}),
    responseUrl: fake.responseUrl(responseId),
  });
  const res = await postInteraction(serveUrl, SIGNING_SECRET, payload);
  if (res.status !== 200) throw new Error(`devbot serve answered HTTP ${res.status} to the click on ${button.actionId}: ${res.body}`);
  return responseId;
}
