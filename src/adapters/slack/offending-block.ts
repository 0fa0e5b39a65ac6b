import type { Block } from '../../ports/chat.js';

/**
 * The block Slack named in its refusal: `invalid_blocks` replies carry messages such as
 * `[ERROR] must be less than 3001 characters [json-pointer:/blocks/3/text/text]`. Undefined when
 * the reply names none (or names one the message does not have).
 */
export function offendingBlock(e: unknown, blocks: Block[]): { index: number; block: Block; reason: string } | undefined {
  const messages = (e as { data?: { response_metadata?: { messages?: unknown } } } | undefined)?.data?.response_metadata?.messages;
  if (!Array.isArray(messages)) return undefined;
  for (const m of messages) {
    const match = /^(.*?)\s*\[json-pointer:\/blocks\/(\d+)/.exec(String(m));
    const index = Number(match?.[2]);
    const block = blocks[index];
    if (match && block) return { index, block, reason: match[1] ?? '' };
  }
  return undefined;
}
