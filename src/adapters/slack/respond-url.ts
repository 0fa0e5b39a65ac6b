import { UpstreamError } from '../../errors.js';
import type { ChatMessage } from '../../ports/chat.js';

const TIMEOUT_MS = 10_000;

/**
 * Posts an ephemeral answer to a slash command's response_url. Slack answers 200 `ok`, or 404
 * `used_url` / `expired_url` once it took 5 uses or 30 minutes; anything else, or no answer,
 * becomes UpstreamError('slack'). The URL itself is never put in an error: it is a capability.
 */
export async function postToResponseUrl(responseUrl: string, message: ChatMessage, fetchImpl: typeof fetch = fetch): Promise<void> {
  const body = { response_type: 'ephemeral', replace_original: false, text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
  let res: Response;
  try {
    res = await fetchImpl(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (cause) {
    throw new UpstreamError(`while answering through the command's response_url: ${(cause as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : 'cannot reach Slack'}`, { service: 'slack', cause });
  }
  const said = (await res.text().catch(() => '')).trim().slice(0, 100);
  if (!res.ok) {
    throw new UpstreamError(`while answering through the command's response_url: Slack answered ${res.status} ${said || 'with no reason'}`, { service: 'slack', retryable: res.status >= 500 || res.status === 429 });
  }
}
