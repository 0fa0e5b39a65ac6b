import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ActionInput } from '../../commands/handle-action.js';
import type { CommandInput, CommandReply } from '../../commands/types.js';
import type { ConsoleListeners } from '../../ports/console-listeners.js';
import type { JobQueue } from '../../ports/queue.js';
import { ACTION_IDS } from '../../render/confirm.js';
import { connectRedis } from '../redis/connect-redis.js';
import { coalesceEvents } from './coalesce-events.js';
import { consoleStreamKey, readConsoleEvents, type ConsoleEvent } from './stream-chat.js';

export interface ConsoleSessionOptions {
  redisUrl: string;
  prefix: string;
  user: string;
  channel: string;
  queue: JobQueue;
  handleCommand(input: CommandInput): Promise<CommandReply>;
  handleAction(input: ActionInput): Promise<CommandReply>;
  input: Readable;
  output: Writable;
  interactive: boolean;
  /** Registers this session for its channel's alerts, so they print here as they fire and resolve. */
  listeners?: ConsoleListeners;
  /** How long to wait for a queued job in script mode before giving up on it. */
  jobTimeoutMs?: number;
  session?: string;
}

const YES = /^(y|yes|confirm)$/i;
const NO = /^(n|no|cancel)$/i;

/**
 * `devbot console`: the Slack pipeline in a terminal. Each line goes through handleCommand (same
 * parse, ACL, locks and queue); messages that workers post come back through the session's
 * stream. A message with Confirm / Cancel makes the next line the answer (yes / no).
 * Interactive: messages print as they arrive. Script (stdin not a TTY): each command's job is
 * awaited and the final state of its messages printed before the next line; resolves to 1 if a
 * job failed.
 */
export async function runConsoleSession(opts: ConsoleSessionOptions): Promise<number> {
  const session = opts.session ?? randomUUID().slice(0, 12);
  const key = consoleStreamKey(opts.prefix, session);
  const reader = connectRedis(opts.redisUrl, 'consumer');
  const transport = { kind: 'console', session } as const;
  let lastId = '0-0';
  let failed = false;
  let counter = 0;
  let closed = false;
  /** The confirmation the next yes/no answers, and the message that asked. */
  let awaitingAnswer: string | undefined;
  let askedIn: string | undefined;
  // Slack mention markup reads badly in a terminal: <@U123> → @U123.
  const print = (line: string) => {
    const plain = line.replace(/<@([^>|]+)(?:\|[^>]*)?>/g, '@$1');
    opts.output.write(plain.endsWith('\n') ? plain : `${plain}\n`);
  };
  const show = (e: ConsoleEvent) => {
    const mark = e.type === 'update' && opts.interactive ? '(updated) ' : e.type === 'ephemeral' ? '(only you) ' : e.threadTs ? '  ↳ ' : '';
    print(`${mark}${e.text.replace(/\n/g, `\n${e.threadTs ? '    ' : ''}`)}`);
    const confirm = e.buttons?.find((b) => b.actionId === ACTION_IDS.confirm);
    if (confirm) {
      awaitingAnswer = confirm.value;
      askedIn = e.ts;
      print('Confirm? Type yes to confirm or no to cancel.');
    } else if (e.ts === askedIn) {
      awaitingAnswer = undefined; // answered elsewhere, or expired
    }
  };
  /** Reads and prints what came since lastId; `wanted` false after the read leaves it for the next drain. */
  const drain = async (blockMs: number, wanted: () => boolean = () => true) => {
    const entries = await readConsoleEvents(reader, key, lastId, blockMs);
    if (!wanted()) return;
    for (const { id } of entries) lastId = id;
    const events = entries.map((e) => e.event);
    for (const e of opts.interactive ? events : coalesceEvents(events)) show(e);
  };
  // Script mode prints a command's messages once its job ends (coalesced, in order); between
  // commands it follows the stream too, so alerts that fire while stdin is quiet still show.
  let busy = false;
  const follow = (async () => {
    while (!closed) {
      // A command that started during the read gets its messages from settle's drain, coalesced.
      if (opts.interactive) await drain(500).catch(() => undefined);
      else if (!busy) await drain(500, () => !busy).catch(() => undefined);
      else await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const settle = async (reply: CommandReply) => {
    print(reply.text);
    if (opts.interactive) return;
    if (reply.jobId) {
      const result = await opts.queue.waitUntilFinished(reply.jobId, opts.jobTimeoutMs ?? 120_000).catch((e: Error) => ({ state: 'failed' as const, reason: e.message }));
      await drain(0);
      if (result.state === 'failed') {
        failed = true;
        print(`job ${reply.jobId} failed: ${result.reason ?? 'unknown reason'}`);
      }
    } else if (reply.outcome === 'error') {
      failed = true;
    }
  };

  const listen = () => opts.listeners?.listen(opts.channel, session, 30_000).catch(() => undefined);
  await listen();
  const heartbeat = setInterval(() => void listen(), 10_000);
  heartbeat.unref();

  const lines = createInterface({ input: opts.input, terminal: false });
  if (opts.interactive) print(`devbot console — you are ${opts.user} in #${opts.channel}. Type /dev help; Ctrl-D to quit.`);
  for await (const raw of lines) {
    const text = raw.trim();
    if (!text) continue;
    if (!opts.interactive) print(`> ${text}`);
    const requestId = `${session}-${++counter}`;
    const base = { user: opts.user, channel: opts.channel, channelName: opts.channel, transport, requestId };
    busy = true;
    try {
      if (awaitingAnswer && (YES.test(text) || NO.test(text))) {
        const value = awaitingAnswer;
        awaitingAnswer = undefined;
        await settle(await opts.handleAction({ ...base, action: YES.test(text) ? 'confirm' : 'decline', value }));
        continue;
      }
      await settle(await opts.handleCommand({ ...base, text }));
    } finally {
      busy = false;
    }
  }
  closed = true;
  clearInterval(heartbeat);
  await opts.listeners?.stop(opts.channel, session).catch(() => undefined);
  await follow;
  await reader.del(key).catch(() => undefined);
  reader.disconnect();
  return failed ? 1 : 0;
}
