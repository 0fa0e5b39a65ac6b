import { adviceFor } from '../alerts/channel-failures.js';
import type { Chat, ChatMessage } from '../ports/chat.js';
import type { JobData } from '../ports/queue.js';
import { context, fitMessage } from '../render/limits.js';

/**
 * When the job's channel refuses its message for good (devbot not invited there, archived, gone),
 * the person who typed the command still hears how it ended, and what to do, through the slash
 * command's response_url: Slack delivers that in any channel. Undefined when there is no such way
 * (a button's job, the console, a chat without response_url).
 */
export function tellRequesterInstead(chat: Chat, data: JobData, jobId: string): ((final: ChatMessage, code: string) => Promise<void>) | undefined {
  const { responseUrl, channel, channelName } = data.requestedBy;
  if (!responseUrl || !chat.respond) return undefined;
  // A Slack channel id becomes a link to the channel; anything else reads better by its name.
  const where = /^[CG][A-Z0-9]{8,}$/.test(channel) || !channelName ? channel : channelName;
  return async (final, code) => {
    const why = `devbot could not post job ${jobId} in this channel (Slack said \`${code}\`): ${adviceFor(where, code)} to see its messages. Its result, for you only:`;
    await chat.respond!(responseUrl, fitMessage({ text: `${why}\n${final.text}`, ...(final.blocks ? { blocks: [context(why), ...final.blocks] } : {}) }));
  };
}
