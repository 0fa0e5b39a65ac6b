import type { RespondArguments, RespondFn, types } from '@slack/bolt';
import type { Logger } from '../../log.js';
import type { WebClient } from './web-client.js';

/**
 * Answers through response_url, and when Slack refuses it (a response_url takes 5 uses within 30
 * minutes: `used_url`, `expired_url`) through the bot token instead, as chat.postEphemeral to the
 * same person in the same channel. Fails only when both fail.
 */
export async function respondOrEphemeral(
  respond: RespondFn,
  client: WebClient,
  to: { channel: string; user: string },
  message: RespondArguments,
  log: Logger,
): Promise<void> {
  try {
    await respond(message);
  } catch (err) {
    if (!to.channel) throw err;
    log.warn({ err: String(err) }, 'response_url refused; answering with chat.postEphemeral instead');
    const { text, blocks } = message as { text?: string; blocks?: (types.KnownBlock | types.Block)[] };
    await client.chat.postEphemeral({ channel: to.channel, user: to.user, text: text ?? '', ...(blocks ? { blocks } : {}) });
  }
}
