import type { Redis } from 'ioredis';
import { UpstreamError } from '../../errors.js';
import type { Chat, ChatMessage, MessageRef } from '../../ports/chat.js';

/** One message event in a console session's stream. */
export interface ConsoleEvent {
  type: 'post' | 'update' | 'ephemeral';
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  /** The message's buttons (Confirm / Cancel / Retry), so the console can offer them. */
  buttons?: ConsoleButton[];
}

export interface ConsoleButton {
  actionId: string;
  value: string;
  label: string;
}

/** The buttons of a Block Kit message, in order. */
function buttonsOf(message: ChatMessage): ConsoleButton[] {
  return (message.blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b['elements'] as Array<{ type: string; action_id: string; value?: string; text: { text: string } }>) ?? [])
    .filter((e) => e.type === 'button')
    .map((e) => ({ actionId: e.action_id, value: e.value ?? '', label: e.text.text }));
}

export function consoleStreamKey(prefix: string, session: string): string {
  return `${prefix}:console:${session}`;
}

/**
 * The Chat port for `devbot console`: a worker (in any process) appends messages to the session's
 * Redis stream and the console prints them, so console commands take the same queue and workers
 * as Slack ones.
 */
export function createStreamChat(redis: Redis, prefix: string, session: string): Chat {
  const key = consoleStreamKey(prefix, session);
  const append = async (event: Omit<ConsoleEvent, 'ts'> & { ts?: string }): Promise<string> => {
    const fields = Object.entries(event).flatMap(([k, v]) => (v === undefined ? [] : [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    try {
      const id = await redis.xadd(key, 'MAXLEN', '~', '10000', '*', ...fields);
      await redis.expire(key, 24 * 3600);
      return id ?? '';
    } catch (cause) {
      throw new UpstreamError(`could not write to the console session: ${(cause as Error).message}`, { service: 'redis', cause });
    }
  };
  return {
    async post(channel, message: ChatMessage, opts): Promise<MessageRef> {
      const buttons = buttonsOf(message);
      const ts = await append({ type: 'post', channel, text: message.text, threadTs: opts?.threadTs, buttons: buttons.length ? buttons : undefined });
      return { channel, ts };
    },
    async update(ref, message) {
      const buttons = buttonsOf(message);
      await append({ type: 'update', channel: ref.channel, ts: ref.ts, text: message.text, buttons: buttons.length ? buttons : undefined });
    },
    async postEphemeral(channel, _user, message) {
      await append({ type: 'ephemeral', channel, text: message.text });
    },
    // The terminal has no files: the content is printed, under its name.
    async upload(channel, file, opts) {
      await append({ type: 'post', channel, text: `── ${file.filename} (${file.title}) ──\n${file.content}`, threadTs: opts?.threadTs });
    },
  };
}

/** Reads events after `lastId`; blocks up to `blockMs` when there are none (0 = don't block). */
export async function readConsoleEvents(redis: Redis, key: string, lastId: string, blockMs: number): Promise<Array<{ id: string; event: ConsoleEvent }>> {
  const args: Array<string | number> = blockMs > 0 ? ['BLOCK', blockMs] : [];
  const res = (await redis.xread(...(args as ['BLOCK', number]), 'STREAMS', key, lastId)) as Array<[string, Array<[string, string[]]>]> | null;
  const entries = res?.[0]?.[1] ?? [];
  return entries.map(([id, flat]) => {
    const obj: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) obj[flat[i]!] = flat[i + 1]!;
    const buttons = obj['buttons'] ? (JSON.parse(obj['buttons']) as ConsoleButton[]) : undefined;
    return { id, event: { type: obj['type'] as ConsoleEvent['type'], channel: obj['channel'] ?? '', ts: obj['ts'] ?? id, threadTs: obj['threadTs'], text: obj['text'] ?? '', buttons } };
  });
}
