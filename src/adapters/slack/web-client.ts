import { LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { createSlackLogger } from './slack-logger.js';

export type WebClient = webApi.WebClient;
export type WebClientOptions = webApi.WebClientOptions;

/**
 * Bounded retries. The SDK default is 10 retries over ~30 minutes, which turns an unreachable API
 * into a silent half-hour hang. On a 429 the client first sleeps for Retry-After, then p-retry adds
 * its own backoff (minTimeout × factor^n) before the next attempt.
 */
export const SLACK_RETRY_POLICY = { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2_000, randomize: true };

/** Per-request deadline; the SDK default is none at all. */
export const SLACK_REQUEST_TIMEOUT_MS = 10_000;

/**
 * WebClient wants the base of the Web API ending in `/api/` (it appends the method name). Accepts
 * `http://host:port`, `…/api` or `…/api/`; undefined means Slack itself.
 */
export function normaliseSlackApiUrl(apiUrl: string | undefined): string | undefined {
  if (apiUrl === undefined || apiUrl === '') return undefined;
  const url = new URL(apiUrl);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/api') ? `${path}/` : `${path}/api/`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Options shared by every WebClient devbot builds (its own and the one inside Bolt's App). */
export function slackClientOptions(opts: {
  apiUrl?: string;
  log: Logger;
  retries?: number;
  timeoutMs?: number;
}): WebClientOptions {
  const slackApiUrl = normaliseSlackApiUrl(opts.apiUrl);
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    logger: createSlackLogger(opts.log, { name: 'slack-web-api', level: LogLevel.WARN }),
    retryConfig: { ...SLACK_RETRY_POLICY, retries: opts.retries ?? SLACK_RETRY_POLICY.retries },
    // A 429 waits for Retry-After and is retried (within retryConfig) instead of failing at once.
    rejectRateLimitedCalls: false,
    timeout: opts.timeoutMs ?? SLACK_REQUEST_TIMEOUT_MS,
  };
}

/**
 * A Slack Web API client for the bot token. The token travels only in the Authorization header,
 * which the SDK redacts from its own debug logs; our logger adapter also scrubs token-shaped text.
 */
export function createWebClient(opts: {
  token: string;
  apiUrl?: string;
  log: Logger;
  retries?: number;
  timeoutMs?: number;
}): WebClient {
  return new webApi.WebClient(opts.token, slackClientOptions(opts));
}
