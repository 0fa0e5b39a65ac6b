import { webApi, type types } from '@slack/bolt';
import type { Block, Chat, ChatMessage, HomeTab, MessageRef } from '../../ports/chat.js';
import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { noMetrics, type Metrics } from '../../ports/metrics.js';
import { createUpdateCoalescer } from './coalesce-updates.js';
import { PRIORITY, type BudgetedMethod, type RateBudget } from './rate-budget.js';
import { describeSlackError, toSlackUpstreamError } from './slack-errors.js';
import { offendingBlock } from './offending-block.js';
import { postToResponseUrl } from './respond-url.js';
import { uploadFile } from './upload-file.js';
import type { WebClient } from './web-client.js';

type SlackBlocks = (types.KnownBlock | types.Block)[];

const CONTEXT = 'while posting to Slack';

/**
 * The Chat port over the Slack Web API. With a `budget`, every chat.* call waits for its turn in
 * the workspace's shared rate budget (final states and alerts first; of several waiting updates of
 * one message only the newest is sent), and a 429 that still comes back pauses the method on every
 * replica. The WebClient honours Retry-After with bounded retries; whatever still fails becomes
 * UpstreamError('while posting to Slack: <code>') and counts in `metrics.slackError(method, code)`.
 * Blocks Slack refuses (`invalid_blocks`) are logged and the message is sent again as text only.
 */
export function createSlackChat({ client, log, metrics = noMetrics, budget }: { client: WebClient; log: Logger; metrics?: Metrics; budget?: RateBudget }): Chat {
  client.on(webApi.WebClientEvent.RATE_LIMITED, (retryAfterSec: number, req: { url?: string }) => {
    const method = methodOf(req.url);
    log.warn({ retryAfterSec, method }, 'Slack rate limit hit; waiting for Retry-After');
    if (method) {
      metrics.slackRateLimited?.(method);
      void budget?.pause(method, retryAfterSec);
    }
  });
  const updates = createUpdateCoalescer<ChatMessage>((n) => metrics.slackUpdatesSuperseded?.('chat.update', n));
  const homes = createUpdateCoalescer<HomeTab>((n) => metrics.slackUpdatesSuperseded?.('views.publish', n));

  /** Sends `message`; blocks Slack refuses are logged and the message goes again as text only. */
  async function send<T>(method: BudgetedMethod, channel: string, message: ChatMessage, run: (content: SlackContent) => Promise<T>): Promise<T> {
    try {
      return await run(content(message));
    } catch (e) {
      const { code } = describeSlackError(e);
      if (code !== 'invalid_blocks' || !message.blocks) throw e;
      metrics.slackBlocksRejected?.(method, code);
      log.warn({ method, channel, block: offendingBlock(e, message.blocks) }, 'Slack refused the blocks; sending the text only');
      return run({ text: message.text });
    }
  }

  /** Runs `work` in its turn of the rate budget; failures become UpstreamError. */
  async function guarded<T>(method: BudgetedMethod, channel: string, priority: number, work: () => Promise<T>): Promise<T> {
    try {
      return await (budget ? budget.run(method, { channel, priority }, work) : work());
    } catch (e) {
      const { code } = describeSlackError(e);
      metrics.slackError(method, code);
      const err = toSlackUpstreamError(CONTEXT, e);
      log.warn({ method, code, err: err.message, retryable: err.retryable }, 'Slack call failed');
      throw err;
    }
  }

  const call = <T>(method: BudgetedMethod, channel: string, priority: number, message: ChatMessage, run: (c: SlackContent) => Promise<T>): Promise<T> =>
    guarded(method, channel, priority, () => send(method, channel, message, run));

  return {
    async post(channel, message, opts) {
      const priority = opts?.threadTs ? PRIORITY.normal : PRIORITY.urgent;
      const res = await call('chat.postMessage', channel, priority, message, (c) =>
        client.chat.postMessage({ channel, ...c, ...(opts?.threadTs ? { thread_ts: opts.threadTs } : {}) }),
      );
      if (!res.ts) throw new UpstreamError(`${CONTEXT}: no ts in the reply`, { service: 'slack', retryable: false });
      return { channel: res.channel ?? channel, ts: res.ts };
    },
    async update(ref: MessageRef, message: ChatMessage, opts?: { final?: boolean }) {
      const urgent = opts?.final === true;
      const priority = urgent ? PRIORITY.urgent : PRIORITY.progress;
      // Coalesced before the budget: only the newest content of a message waits for a turn.
      await updates.update(
        `${ref.channel}/${ref.ts}`,
        message,
        urgent,
        (run) => guarded('chat.update', ref.channel, priority, run),
        async (latest) => {
          await send('chat.update', ref.channel, latest, (c) => client.chat.update({ channel: ref.channel, ts: ref.ts, ...c }));
        },
      );
    },
    async postEphemeral(channel, user, message) {
      await call('chat.postEphemeral', channel, PRIORITY.urgent, message, (c) => client.chat.postEphemeral({ channel, user, ...c }));
    },
    upload: (channel, file, opts) => uploadFile(client, channel, file, opts),
    respond: (responseUrl, message) => postToResponseUrl(responseUrl, message),
    async publishHome(user, home) {
      // Keyed by user, so a burst of alert changes publishes each Home tab once, with the newest view.
      await homes.update(`home/${user}`, home, false, (run) => guarded('views.publish', user, PRIORITY.normal, run), async (latest) => {
        await client.views.publish({ user_id: user, view: { type: 'home', blocks: toSlackBlocks(latest.blocks) } });
      });
    },
  };
}

type SlackContent = { text: string; blocks?: SlackBlocks };

function content(message: ChatMessage): SlackContent {
  return message.blocks ? { text: message.text, blocks: toSlackBlocks(message.blocks) } : { text: message.text };
}

/** The port keeps blocks loose; renderers own their shape, so this is a pass-through. */
export function toSlackBlocks(blocks: Block[]): SlackBlocks {
  return blocks as unknown as SlackBlocks;
}

function methodOf(url: string | undefined): string | undefined {
  return url?.split('/').pop();
}
