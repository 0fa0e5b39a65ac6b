import type { Block, ChatMessage } from '../ports/chat.js';

/** Slack's hard limits; a message over any of them is rejected, so renderers stay under. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  messageText: 4000,
  headerText: 150,
} as const;

/** Cuts `text` to `max` characters, saying that it was cut. */
export function truncate(text: string, max: number, marker = '… (truncated)'): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SLACK_REFERENCE = /<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+)>/g;

/**
 * Escapes `&`, `<` and `>` so user-typed text is never read as a link, except devbot's own
 * `<@U…>` / `<#C…>` references, which must stay mentions (escaped, Slack shows them as raw text).
 */
export function escapeKeepingMentions(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SLACK_REFERENCE)) {
    out += escapeMrkdwn(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapeMrkdwn(text.slice(last));
}

/**
 * escapeKeepingMentions, within `max` characters once escaped: the entities (`&amp;`…) make the
 * text longer than the renderer fitted it, and Slack counts what it receives. Cut before escaping,
 * so no entity is split.
 */
export function escapeToFit(text: string, max: number = SLACK_LIMITS.messageText): string {
  let raw = text;
  for (;;) {
    const escaped = escapeKeepingMentions(raw);
    if (escaped.length <= max || raw.length <= 1) return escaped;
    raw = truncate(raw, Math.max(1, raw.length - (escaped.length - max)), '…');
  }
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText, '…'), emoji: true } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) }] };
}

/**
 * Makes any message fit: text cut to 4,000 chars, at most 50 blocks (the last one saying how many
 * were left out). Renderers call this last, so nothing they build can fail a post.
 */
export function fitMessage(message: ChatMessage): ChatMessage {
  const text = truncate(message.text, SLACK_LIMITS.messageText);
  if (!message.blocks) return { text };
  let blocks = message.blocks;
  if (blocks.length > SLACK_LIMITS.blocks) {
    const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
    blocks = [...kept, context(`… ${blocks.length - kept.length} more blocks not shown`)];
  }
  return { text, blocks };
}
