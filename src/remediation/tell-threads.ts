import type { Deps } from '../deps.js';
import type { AlertState } from '../ports/alert-store.js';
import type { ChatMessage } from '../ports/chat.js';
import type { AlertThread } from '../ports/remediation-store.js';

/** The threads of an alert's messages (one per channel and transport). */
export const threadsOf = (alert: AlertState): AlertThread[] => alert.messages.map((m) => ({ transport: m.transport, ref: m.ref, ...(m.channel ? { name: m.channel } : {}) }));

/**
 * Replies in each thread; a thread that refuses is logged and the others still hear it. Returns
 * the replies posted (the announcement is updated through them later).
 */
export async function tellThreads(threads: AlertThread[], message: ChatMessage, deps: Pick<Deps, 'chatFor' | 'log'>): Promise<AlertThread[]> {
  const posted = await Promise.all(
    threads.map(async (t): Promise<AlertThread | undefined> => {
      try {
        const ref = await deps.chatFor(t.transport).post(t.ref.channel, message, { threadTs: t.ref.ts });
        return { ...t, ref };
      } catch (err) {
        deps.log.warn({ err, channel: t.ref.channel }, 'could not reply in an alert thread');
        return undefined;
      }
    }),
  );
  return posted.filter((p): p is AlertThread => p !== undefined);
}

/** Replaces messages posted earlier (an announcement, once settled). */
export async function updateThreads(messages: AlertThread[], message: ChatMessage, deps: Pick<Deps, 'chatFor' | 'log'>): Promise<void> {
  await Promise.all(
    messages.map((m) => deps.chatFor(m.transport).update(m.ref, message, { final: true }).catch((err: unknown) => deps.log.warn({ err, channel: m.ref.channel }, 'could not update a remediation announcement'))),
  );
}
