import type { ChatMessage } from '../ports/chat.js';
import { context, SLACK_LIMITS, truncate } from './limits.js';

/**
 * A job's own final message (a report: machines, deployments, units…) with the job named at its
 * foot, as the step list and the status report name it, so that two reports in one channel can be
 * told apart and `/dev jobs` matched to them. A message that names its job already is left as is.
 */
export function namingTheJob(message: ChatMessage, jobId: string): ChatMessage {
  if (message.text.includes(`job ${jobId}`)) return message;
  const footer = `(job ${jobId})`;
  return {
    text: `${truncate(message.text, SLACK_LIMITS.messageText - footer.length - 1)}\n${footer}`,
    ...(message.blocks ? { blocks: [...message.blocks, context(`job \`${jobId}\``)] } : {}),
  };
}
