/**
 * A local HTTP fake of the Slack Web API, for `slackApiUrl`. It records every call (never the
 * token: only whether an Authorization header came with it) and answers like Slack: HTTP 200 with
 * `{ ok: false, error }` for API errors, 429 + Retry-After for rate limits.
 */
import { once, EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for POST /response/<id>. */
  method: string;
  /** Parsed body (form or JSON); form fields holding JSON (`blocks`) are decoded. `token` is dropped. */
  params: Record<string, unknown>;
  /** Whether the call carried `Authorization: Bearer …` (or a `token` field). The value is never kept. */
  authorized: boolean;
  contentType: string;
  /** HTTP status the fake answered with. */
  status: number;
  /** Slack's error code when the fake answered `ok: false` or 429. */
  error?: string;
  /** For `response_url` calls: the id in /response/<id>. */
  responseId?: string;
  /** For a successful `chat.postMessage`: the ts the fake gave the new message (its id in the channel). */
  ts?: string;
  receivedAt: number;
}

export type Failure = { status: 429; retryAfter: number } | { error: string };

export interface FakeSlackApi {
  /** Base for `slackApiUrl`, ending in `/api/`. */
  url: string;
  /** A response_url pointing at this fake. */
  responseUrl(id: string): string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  /** Resolves with the first call (already recorded or yet to come) to `method` matching `predicate`. */
  waitForCall(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** The next call to `method` fails this way (queued: call twice to fail twice). */
  failNext(method: string, failure: Failure): void;
  /**
   * Every chat.* call naming `channel` (its id, as sent) answers `{ ok: false, error }` until
   * acceptChannel, as Slack does for a channel the bot was never invited to (`not_in_channel`).
   */
  refuseChannel(channel: string, error?: string): void;
  /** The channel works again (the bot was invited). */
  acceptChannel(channel: string): void;
  close(): Promise<void>;
}

const AUTH_TEST = { url: 'https://devbot-test.slack.com/', team: 'devbot-test', user: 'devbot', team_id: 'T0000001', user_id: 'U0DEVBOT', bot_id: 'B0DEVBOT' };

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const arrivals = new EventEmitter();
  const failures = new Map<string, Failure[]>();
  const refusedChannels = new Map<string, string>(); // channel → Slack error code
  const messages = new Map<string, string>(); // `${channel}/${ts}` → text
  let tsCounter = 0;
  const tsBase = Math.floor(Date.now() / 1000);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => reply(res, 500, { ok: false, error: 'fake_internal_error', detail: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const { body, hadToken } = parseBody(raw, contentType);
    const bearer = /^Bearer \S+/.test(String(req.headers.authorization ?? ''));
    const record = (status: number, error?: string, extra: Partial<RecordedCall> = {}): void => {
      const call: RecordedCall = { method, params: body, authorized: bearer || hadToken, contentType, status, receivedAt: Date.now(), ...extra };
      if (error) call.error = error;
      calls.push(call);
      arrivals.emit('call', call);
    };
    const responseMatch = /^\/response\/([^/]+)$/.exec(path);
    const method = responseMatch ? 'response_url' : (/^\/api\/([\w.]+)$/.exec(path)?.[1] ?? `unknown:${path}`);
    if (req.method !== 'POST') return void (record(405, 'method_not_allowed'), reply(res, 405, { ok: false, error: 'method_not_allowed' }));
    if (responseMatch) {
      record(200, undefined, { responseId: decodeURIComponent(responseMatch[1] ?? '') });
      return void reply(res, 200, 'ok');
    }
    const failure = failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      record(429, 'ratelimited');
      return void reply(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
    }
    const result = failure ? { ok: false as const, error: failure.error } : answer(method, body, bearer || hadToken);
    const posted = method === 'chat.postMessage' && typeof result.ts === 'string' ? { ts: result.ts } : {};
    record(200, result.ok ? undefined : String(result.error), posted);
    reply(res, 200, result);
  }

  function answer(method: string, body: Record<string, unknown>, authorized: boolean): Record<string, unknown> {
    if (!authorized) return { ok: false, error: 'not_authed' };
    const channel = typeof body.channel === 'string' ? body.channel : undefined;
    const refused = channel === undefined ? undefined : refusedChannels.get(channel);
    if (refused && method.startsWith('chat.')) return { ok: false, error: refused };
    const hasContent = typeof body.text === 'string' || Array.isArray(body.blocks);
    switch (method) {
      case 'auth.test':
        return { ok: true, ...AUTH_TEST };
      case 'chat.postMessage': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (!hasContent) return { ok: false, error: 'no_text' };
        tsCounter += 1;
        const ts = `${tsBase}.${String(tsCounter).padStart(6, '0')}`;
        messages.set(`${channel}/${ts}`, String(body.text ?? ''));
        return { ok: true, channel, ts, message: { type: 'message', text: body.text, ts } };
      }
      case 'chat.update': {
        if (!channel) return { ok: false, error: 'channel_not_found' };
        const key = `${channel}/${String(body.ts)}`;
        if (!messages.has(key)) return { ok: false, error: 'message_not_found' };
        messages.set(key, String(body.text ?? ''));
        return { ok: true, channel, ts: body.ts, text: body.text };
      }
      case 'chat.postEphemeral':
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (typeof body.user !== 'string') return { ok: false, error: 'user_not_in_channel' };
        if (!hasContent) return { ok: false, error: 'no_text' };
        return { ok: true, message_ts: `${tsBase}.${String(++tsCounter).padStart(6, '0')}` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/api/`,
    responseUrl: (id) => `${origin}/response/${encodeURIComponent(id)}`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitForCall(method, predicate = () => true, timeoutMs = 5_000) {
      const matches = (c: RecordedCall): boolean => c.method === method && predicate(c);
      const seen = calls.find(matches);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const onCall = (c: RecordedCall): void => {
          if (!matches(c)) return;
          clearTimeout(timer);
          arrivals.off('call', onCall);
          resolve(c);
        };
        const timer = setTimeout(() => {
          arrivals.off('call', onCall);
          const got = calls.map((c) => c.method).join(', ') || 'none';
          reject(new Error(`fake Slack API: no matching ${method} call within ${timeoutMs} ms (calls so far: ${got})`));
        }, timeoutMs);
        arrivals.on('call', onCall);
      });
    },
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    refuseChannel(channel, error = 'not_in_channel') {
      refusedChannels.set(channel, error);
    },
    acceptChannel(channel) {
      refusedChannels.delete(channel);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Form or JSON, as Slack accepts both. JSON-valued form fields are decoded; the token is dropped. */
function parseBody(raw: string, contentType: string): { body: Record<string, unknown>; hadToken: boolean } {
  let body: Record<string, unknown> = {};
  if (contentType.startsWith('application/json')) {
    body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } else {
    for (const [key, value] of new URLSearchParams(raw)) body[key] = decodeJsonField(value);
  }
  const hadToken = typeof body.token === 'string' && body.token.length > 0;
  delete body.token;
  return { body, hadToken };
}

function decodeJsonField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(text);
}
