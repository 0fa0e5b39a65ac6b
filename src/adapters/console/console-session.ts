import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandInput, CommandReply } from '../../commands/types.js';
import type { JobQueue } from '../../ports/queue.js';
import { connectRedis } from '../redis/connect-redis.js';
import { consoleStreamKey, readConsoleEvents, type ConsoleEvent } from './stream-chat.js';

export interface ConsoleSessionOptions {
  redisUrl: string;
  prefix: string;
  user: string;
  channel: string;
  queue: JobQueue;
  handleCommand(input: CommandInput): Promise<CommandReply>;
  input: Readable;
  output: Writable;
  interactive: boolean;
  /** How long to wait for a queued job in script mode before giving up on it. */
  jobTimeoutMs?: number;
  session?: string;
}

/**
 * `devbot console`: the Slack pipeline in a terminal. Each line goes through handleCommand (same
 * parse, ACL and queue); messages that workers post come back through the session's stream.
 * Interactive: messages print as they arrive. Script (stdin not a TTY): each command's job is
 * awaited and its messages printed before the next line; resolves to 1 if any job failed.
 */
export async function runConsoleSession(opts: ConsoleSessionOptions): Promise<number> {
  const session = opts.session ?? randomUUID().slice(0, 12);
  const key = consoleStreamKey(opts.prefix, session);
  const reader = connectRedis(opts.redisUrl, 'consumer');
  let lastId = '0-0';
  let failed = false;
  let counter = 0;
  let closed = false;
  const print = (line: string) => opts.output.write(line.endsWith('\n') ? line : `${line}\n`);
  const printEvent = (e: ConsoleEvent) => {
    const mark = e.type === 'update' ? '(updated) ' : e.type === 'ephemeral' ? '(only you) ' : e.threadTs ? '  ↳ ' : '';
    print(`${mark}${e.text}`);
  };
  const drain = async (blockMs: number) => {
    for (const { id, event } of await readConsoleEvents(reader, key, lastId, blockMs)) {
      lastId = id;
      printEvent(event);
    }
  };

  const follow = opts.interactive ? (async () => {
    while (!closed) await drain(500).catch(() => undefined);
  })() : Promise.resolve();

  const lines = createInterface({ input: opts.input, terminal: false });
  if (opts.interactive) print(`devbot console — you are ${opts.user} in #${opts.channel}. Type /dev help; Ctrl-D to quit.`);
  for await (const raw of lines) {
    const text = raw.trim();
    if (!text) continue;
    if (!opts.interactive) print(`> ${text}`);
    const reply = await opts.handleCommand({
      text, user: opts.user, channel: opts.channel, channelName: opts.channel,
      transport: { kind: 'console', session }, requestId: `${session}-${++counter}`,
    });
    print(reply.text);
    if (!opts.interactive && reply.jobId) {
      const result = await opts.queue.waitUntilFinished(reply.jobId, opts.jobTimeoutMs ?? 120_000).catch((e: Error) => ({ state: 'failed' as const, reason: e.message }));
      await drain(0);
      if (result.state === 'failed') {
        failed = true;
        print(`job ${reply.jobId} failed: ${result.reason ?? 'unknown reason'}`);
      }
    } else if (!opts.interactive && reply.outcome === 'error') {
      failed = true;
    }
  }
  closed = true;
  await follow;
  await reader.del(key).catch(() => undefined);
  reader.disconnect();
  return failed ? 1 : 0;
}
