import { UpstreamError } from '../../errors.js';

export interface FleetHttpOptions {
  /** fleet's API root (the /fleet/v1 path is added here). */
  url: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface FleetResponse {
  status: number;
  body: unknown;
}

/** fleet's error entity: `{"error":{"code":409,"message":"…"}}`. */
function errorMessage(body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' && message !== '' ? message : 'no message';
}

/**
 * One call to fleet with a deadline. Statuses in `expected` resolve; anything else, a timeout or
 * a refused connection becomes an UpstreamError('fleet') that names the call (retryable unless 4xx).
 */
export async function fleetCall(
  opts: FleetHttpOptions,
  method: string,
  path: string,
  init: { body?: unknown; expected: number[]; signal?: AbortSignal },
): Promise<FleetResponse> {
  const root = opts.url.replace(/\/+$/, '');
  const what = `${method} /fleet/v1/${path}`;
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${root}/fleet/v1/${path}`, {
      method,
      signal,
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (cause) {
    if (init.signal?.aborted) throw cause;
    if (deadline.aborted) throw new UpstreamError(`fleet at ${root} did not answer ${what} within ${opts.timeoutMs} ms.`, { service: 'fleet', cause });
    const code = ((cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message) || 'network error';
    throw new UpstreamError(`Cannot reach fleet at ${root} (${code}) for ${what}: is fleet's API enabled and the URL right?`, { service: 'fleet', cause });
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (init.expected.includes(res.status)) return { status: res.status, body };
  const retryable = res.status >= 500 || res.status === 429;
  throw new UpstreamError(`fleet answered ${res.status} to ${what}: ${errorMessage(body)}.`, { service: 'fleet', retryable });
}
