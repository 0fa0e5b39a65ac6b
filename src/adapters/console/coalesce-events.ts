import type { ConsoleEvent } from './stream-chat.js';

/**
 * For scripts: one entry per message in the order messages first appeared, each with its latest
 * content, and thread replies right after their parent. A job updating its message 50 times
 * prints once, in its final state.
 */
export function coalesceEvents(events: ConsoleEvent[]): ConsoleEvent[] {
  const latest = new Map<string, ConsoleEvent>();
  const order: string[] = [];
  const replies = new Map<string, ConsoleEvent[]>();
  const loose: ConsoleEvent[] = [];
  for (const e of events) {
    if (e.type === 'ephemeral') {
      loose.push(e);
    } else if (e.threadTs && e.type === 'post') {
      replies.set(e.threadTs, [...(replies.get(e.threadTs) ?? []), e]);
    } else {
      if (!latest.has(e.ts)) order.push(e.ts);
      latest.set(e.ts, { ...e, type: 'post', buttons: e.buttons });
    }
  }
  const out = order.flatMap((ts) => [latest.get(ts)!, ...(replies.get(ts) ?? [])]);
  // Replies to messages from earlier drains stay visible too.
  for (const [ts, rs] of replies) if (!latest.has(ts)) out.push(...rs);
  return [...out, ...loose];
}
