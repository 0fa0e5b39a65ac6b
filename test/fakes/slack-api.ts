/**
 * A local HTTP fake of the Slack Web API, for `slackApiUrl`. It records every call (never the
 * token: only whether an Authorization header came with it) and answers like Slack: HTTP 200 with
 * `{ ok: false, error }` for API errors, 429 + Retry-After for rate limits.
 */
import { once, EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblems } from './slack-block-limits.js';
import { createFakeUsergroups, type FakeUsergroups } from './slack-api-usergroups.js';
import { createFakeViews, type FakeViews } from './slack-api-views.js';

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
  /** Files shared through files.getUploadURLExternal → POST to its upload_url → files.completeUploadExternal. */
  files(): Array<{ id: string; filename: string; title?: string; channel?: string; threadTs?: string; content: string }>;
  /** User groups for usergroups.list / usergroups.users.list (slack-api-usergroups.ts). */
  usergroups: FakeUsergroups;
  /** Home tabs published with views.publish (slack-api-views.ts). */
  views: FakeViews;
  close(): Promise<void>;
}

const AUTH_TEST = { url: 'https://devbot-test.slack.com/', team: 'devbot-test', user: 'devbot', team_id: 'T0000001', user_id: 'U0DEVBOT', bot_id: 'B0DEVBOT' };

/**
 * Opt-in refusals, as Slack says no. `strict: true` turns on rate limits, Block Kit limits,
 * `msg_too_long` and response_url's 5 uses; the channel and token lists work on their own.
 */
export interface FakeSlackOptions {
  strict?: boolean;
  /** Channels the bot was added to; chat.* to any other answers `not_in_channel`. Unset: all. */
  memberChannels?: string[];
  archivedChannels?: string[];
  /** Channel ids that do not exist (`channel_not_found`). */
  missingChannels?: string[];
  /** Bot tokens that work; any other answers `invalid_auth`. Unset: any token. */
  validTokens?: string[];
  /** Answers `apps.connections.open` (Socket Mode): see test/fakes/socket-mode-fake.ts. Unset: `not_allowed_token_type`. */
  connectionsOpen?: () => Record<string, unknown>;
}

/** Slack's limits as the strict fake enforces them (a bucket: `burst` at once, one more every `everyMs`). */
export const FAKE_SLACK_LIMITS = {
  postMessagePerChannel: { burst: 6, everyMs: 1000 },
  updatePerWorkspace: { burst: 50, everyMs: 1200 },
  responseUrlUses: 5,
  responseUrlLifetimeMs: 30 * 60_000,
};

export async function startFakeSlackApi(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
  const strict = options.strict === true;
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Takes a token from bucket `key`, or says how many seconds until one is there. */
  const take = (key: string, limit: { burst: number; everyMs: number }): number => {
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + (now - b.at) / limit.everyMs);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) * limit.everyMs) / 1000));
  };
  const responseUses = new Map<string, { first: number; uses: number }>();
  const calls: RecordedCall[] = [];
  const usergroups = createFakeUsergroups();
  const views = createFakeViews();
  const arrivals = new EventEmitter();
  const failures = new Map<string, Failure[]>();
  const refusedChannels = new Map<string, string>(); // channel → Slack error code
  const messages = new Map<string, string>(); // `${channel}/${ts}` → text
  let tsCounter = 0;
  const tsBase = Math.floor(Date.now() / 1000);

  const uploads = new Map<string, { id: string; filename: string; content: string | undefined; title?: string; channel?: string; threadTs?: string; completed?: boolean }>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => reply(res, 500, { ok: false, error: 'fake_internal_error', detail: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    // The upload URL files.getUploadURLExternal hands out: the file's bytes, no token (as at Slack).
    const uploadMatch = /^\/upload\/([^/]+)$/.exec(path);
    if (uploadMatch) {
      const file = uploads.get(decodeURIComponent(uploadMatch[1] ?? ''));
      const status = req.method !== 'POST' && req.method !== 'PUT' ? 405 : file ? 200 : 404;
      if (file && status === 200) file.content = raw;
      calls.push({ method: 'file_upload', params: { fileId: uploadMatch[1], bytes: Buffer.byteLength(raw) }, authorized: false, contentType: String(req.headers['content-type'] ?? ''), status, receivedAt: Date.now() });
      return void reply(res, status, status === 200 ? `OK - ${Buffer.byteLength(raw)}` : 'not found');
    }
    const contentType = String(req.headers['content-type'] ?? '');
    const { body, hadToken, token: rawToken } = parseBody(raw, contentType);
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
      const responseId = decodeURIComponent(responseMatch[1] ?? '');
      const used = responseUses.get(responseId) ?? { first: Date.now(), uses: 0 };
      responseUses.set(responseId, used);
      used.uses += 1;
      if (strict && Date.now() - used.first > FAKE_SLACK_LIMITS.responseUrlLifetimeMs) return void (record(404, 'expired_url', { responseId }), reply(res, 404, 'expired_url'));
      if (strict && used.uses > FAKE_SLACK_LIMITS.responseUrlUses) return void (record(404, 'used_url', { responseId }), reply(res, 404, 'used_url'));
      record(200, undefined, { responseId });
      return void reply(res, 200, 'ok');
    }
    const token = /^Bearer (\S+)/.exec(String(req.headers.authorization ?? ''))?.[1] ?? (typeof rawToken === 'string' ? rawToken : undefined);
    if (options.validTokens && token !== undefined && !options.validTokens.includes(token)) {
      record(200, 'invalid_auth');
      return void reply(res, 200, { ok: false, error: 'invalid_auth' });
    }
    const wait = strict ? rateLimitWait(method, body) : 0;
    if (wait > 0) {
      record(429, 'ratelimited');
      return void reply(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(wait) });
    }
    const refusal = refuse(method, body);
    if (refusal) {
      record(200, refusal.error);
      return void reply(res, 200, { ok: false, ...refusal });
    }
    const failure = failures.get(method)?.shift() ?? usergroups.failure(method);
    if (failure && 'status' in failure) {
      record(429, 'ratelimited');
      return void reply(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
    }
    const result = failure ? { ok: false as const, error: failure.error } : answer(method, body, bearer || hadToken);
    const posted = method === 'chat.postMessage' && typeof result.ts === 'string' ? { ts: result.ts } : {};
    record(200, result.ok ? undefined : String(result.error), posted);
    reply(res, 200, result);
  }

  function rateLimitWait(method: string, body: Record<string, unknown>): number {
    if (method === 'chat.postMessage') return take(`post/${String(body.channel)}`, FAKE_SLACK_LIMITS.postMessagePerChannel);
    if (method === 'chat.update') return take('update', FAKE_SLACK_LIMITS.updatePerWorkspace);
    return 0;
  }

  /** What Slack refuses about the channel or the content, before anything is posted. */
  function refuse(method: string, body: Record<string, unknown>): { error: string; response_metadata?: { messages: string[] } } | undefined {
    if (!method.startsWith('chat.')) return undefined;
    const channel = typeof body.channel === 'string' ? body.channel : '';
    if (options.missingChannels?.includes(channel)) return { error: 'channel_not_found' };
    if (options.archivedChannels?.includes(channel)) return { error: 'is_archived' };
    if (options.memberChannels && !options.memberChannels.includes(channel)) return { error: 'not_in_channel' };
    if (!strict) return undefined;
    if (typeof body.text === 'string' && body.text.length > 40_000) return { error: 'msg_too_long' };
    const problems = Array.isArray(body.blocks) ? blockProblems(body.blocks) : [];
    return problems.length ? { error: 'invalid_blocks', response_metadata: { messages: problems } } : undefined;
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
      case 'files.getUploadURLExternal': {
        if (typeof body.filename !== 'string' || !body.filename) return { ok: false, error: 'invalid_arguments' };
        if (!(Number(body.length) > 0)) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++tsCounter).padStart(8, '0')}`;
        uploads.set(id, { id, filename: body.filename, content: undefined });
        return { ok: true, upload_url: `${origin}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (typeof body.files === 'string' ? JSON.parse(body.files) : body.files) as Array<{ id: string; title?: string }> | undefined;
        if (!Array.isArray(files) || !files.length) return { ok: false, error: 'invalid_arguments' };
        for (const f of files) if (uploads.get(f.id)?.content === undefined) return { ok: false, error: 'file_not_found' };
        for (const f of files) Object.assign(uploads.get(f.id)!, { title: f.title, channel: body.channel_id, threadTs: body.thread_ts, completed: true });
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'apps.connections.open':
        return options.connectionsOpen?.() ?? { ok: false, error: 'not_allowed_token_type' };
      case 'chat.postEphemeral':
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (typeof body.user !== 'string') return { ok: false, error: 'user_not_in_channel' };
        if (!hasContent) return { ok: false, error: 'no_text' };
        return { ok: true, message_ts: `${tsBase}.${String(++tsCounter).padStart(6, '0')}` };
      default:
        return usergroups.answer(method, body) ?? views.answer(method, body) ?? { ok: false, error: 'unknown_method' };
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/api/`,
    responseUrl: (id) => `${origin}/response/${encodeURIComponent(id)}`,
    files: () => [...uploads.values()].filter((f) => f.completed).map((f) => ({ id: f.id, filename: f.filename, title: f.title, channel: f.channel, threadTs: f.threadTs, content: f.content ?? '' })),
    calls,
    usergroups,
    views,
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
function parseBody(raw: string, contentType: string): { body: Record<string, unknown>; hadToken: boolean; token?: unknown } {
  let body: Record<string, unknown> = {};
  if (contentType.startsWith('application/json')) {
    body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } else {
    for (const [key, value] of new URLSearchParams(raw)) body[key] = decodeJsonField(value);
  }
  const hadToken = typeof body.token === 'string' && body.token.length > 0;
  const token = body.token;
  delete body.token;
  return { body, hadToken, token };
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

