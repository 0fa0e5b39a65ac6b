import { webApi, type types } from '@slack/bolt';
import type { Block, Chat, ChatMessage, MessageRef } from '../../ports/chat.js';
import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { noMetrics, type Metrics } from '../../ports/metrics.js';
import { describeSlackError, toSlackUpstreamError } from './slack-errors.js';
import type { WebClient } from './web-client.js';

type SlackBlocks = (types.KnownBlock | types.Block)[];

const CONTEXT = 'while posting to Slack';

/**
 * The Chat port over the Slack Web API. Rate limits are the WebClient's business (see
 * createWebClient: Retry-After honoured, bounded retries); whatever still fails becomes
 * UpstreamError('while posting to Slack: <code>') and counts in `metrics.slackError(method, code)`.
 */
export function createSlackChat({ client, log, metrics = noMetrics }: { client: WebClient; log: Logger; metrics?: Metrics }): Chat {
  client.on(webApi.WebClientEvent.RATE_LIMITED, (retryAfterSec: number, req: { url?: string }) => {
    log.warn({ retryAfterSec, method: methodOf(req.url) }, 'Slack rate limit hit; waiting for Retry-After');
  });

  async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      const { code } = describeSlackError(e);
      metrics.slackError(method, code);
      const err = toSlackUpstreamError(CONTEXT, e);
      log.warn({ method, code, err: err.message, retryable: err.retryable }, 'Slack call failed');
      throw err;
    }
  }

  return {
    async post(channel, message, opts) {
      const res = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          ...content(message),
          ...(opts?.threadTs ? { thread_ts: opts.threadTs } : {}),
        }),
      );
      if (!res.ts) throw new UpstreamError(`${CONTEXT}: no ts in the reply`, { service: 'slack', retryable: false });
      return { channel: res.channel ?? channel, ts: res.ts };
    },
    async update(ref: MessageRef, message: ChatMessage) {
      await call('chat.update', () => client.chat.update({ channel: ref.channel, ts: ref.ts, ...content(message) }));
    },
    async postEphemeral(channel, user, message) {
      await call('chat.postEphemeral', () => client.chat.postEphemeral({ channel, user, ...content(message) }));
    },
  };
}

function content(message: ChatMessage): { text: string; blocks?: SlackBlocks } {
  return message.blocks ? { text: message.text, blocks: toSlackBlocks(message.blocks) } : { text: message.text };
}

/** The port keeps blocks loose; renderers own their shape, so this is a pass-through. */
export function toSlackBlocks(blocks: Block[]): SlackBlocks {
  return blocks as unknown as SlackBlocks;
}

function methodOf(url: string | undefined): string | undefined {
  return url?.split('/').pop();
}
