import { webApi } from '@slack/bolt';
import { UpstreamError } from '../../errors.js';

/** Platform error codes worth another try later; every other `ok: false` is a caller mistake. */
const RETRYABLE_CODES = new Set([
  'ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout',
]);

export interface SlackFailure {
  /** Slack's error code (`channel_not_found`), or ours for transport failures (`request_failed`, `http_503`). */
  code: string;
  retryable: boolean;
}

/** Reduces anything the WebClient throws to Slack's error code and whether retrying can help. */
export function describeSlackError(e: unknown): SlackFailure {
  if (e instanceof webApi.WebAPIPlatformError || hasCode(e, webApi.ErrorCode.PlatformError)) {
    const code = String((e as { data?: { error?: unknown } }).data?.error ?? 'unknown_error');
    return { code, retryable: RETRYABLE_CODES.has(code) };
  }
  if (hasCode(e, webApi.ErrorCode.RateLimitedError)) return { code: 'ratelimited', retryable: true };
  if (hasCode(e, webApi.ErrorCode.HTTPError)) {
    const status = (e as { statusCode?: number }).statusCode;
    return { code: `http_${status ?? 'error'}`, retryable: status === undefined || status >= 500 };
  }
  if (hasCode(e, webApi.ErrorCode.RequestError)) return { code: 'request_failed', retryable: true };
  // After the last retry of a 429 the SDK rejects with a plain Error, not WebAPIRateLimitedError.
  if (e instanceof Error && /rate limit was exceeded/i.test(e.message)) return { code: 'ratelimited', retryable: true };
  return { code: 'unknown_error', retryable: true };
}

/** `UpstreamError('<context>: <code>', { service: 'slack', retryable })`. */
export function toSlackUpstreamError(context: string, e: unknown): UpstreamError {
  const { code, retryable } = describeSlackError(e);
  return new UpstreamError(`${context}: ${code}`, { service: 'slack', retryable, cause: e });
}

function hasCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

const BAD_TOKEN_CODES = new Set([
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type',
]);

/** Why startup (auth.test, opening the socket) failed, naming the settings that would fix it. */
export function toSlackStartupError(e: unknown, opts: { apiUrl: string; step: string; tokenVar: string }): UpstreamError {
  const { code, retryable } = describeSlackError(e);
  const detail = rootCauseMessage(e);
  if (code === 'request_failed' || code.startsWith('http_')) {
    return new UpstreamError(
      `Could not reach the Slack API at ${opts.apiUrl} (${opts.step}: ${detail}). Check DEVBOT_SLACK_API_URL and the network.`,
      { service: 'slack', retryable, cause: e },
    );
  }
  if (BAD_TOKEN_CODES.has(code)) {
    return new UpstreamError(`Slack rejected the token at ${opts.step} (${code}). Check ${opts.tokenVar}.`, {
      service: 'slack',
      retryable: false,
      cause: e,
    });
  }
  return new UpstreamError(
    `Slack ${opts.step} failed at ${opts.apiUrl}: ${code === 'unknown_error' ? detail : code}. Check ${opts.tokenVar} and DEVBOT_SLACK_API_URL.`,
    { service: 'slack', retryable, cause: e },
  );
}

/** The innermost cause's message: "connect ECONNREFUSED 127.0.0.1:1" rather than "fetch failed". */
export function rootCauseMessage(e: unknown): string {
  let current: unknown = e;
  for (let depth = 0; depth < 5; depth += 1) {
    const next = (current as { cause?: unknown } | undefined)?.cause;
    if (!(next instanceof Error)) break;
    current = next;
  }
  return current instanceof Error ? current.message : String(current);
}
