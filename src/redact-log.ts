/**
 * What may reach a log line. Secrets hide in three places: fields named like one (`botToken`,
 * `Authorization`), the request machinery SDK errors carry (config, headers, the request itself),
 * and free text (an upstream's message that quotes the request it refused). Everything logged
 * goes through redactForLog, at any depth, with names compared case-insensitively.
 */

const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

/** Field and header names whose values are secrets. */
const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|x-slack-signature)$|token|secret|passw(or)?d|credential|api[-_]?key|private[-_]?key|access[-_]?key|signature|response[-_]?url/i; // a response_url lets anyone answer in its channel for 30 min

/** Request machinery an error may carry: never logged, whatever it holds. */
const REQUEST_KEY = /^(config|request|response|\$response|req|res|headers|rawHeaders|socket|agent|options)$/i;

/** Slack tokens (bot, user, app, config) as they appear in free text. */
const SLACK_TOKEN = /\bx(?:ox[abeoprs]|app)-[A-Za-z0-9-]+/g;

/** `Authorization: Bearer …`, `x-amz-security-token:…` written into a message: the value, up to the end of the line. */
const SECRET_HEADER_TEXT = /\b(authorization|proxy-authorization|cookie|set-cookie|x-slack-signature|x-amz-security-token)(\s*[:=]\s*)[^\r\n'"]+/gi;

/** Removes token-shaped text and secret header values from free text. */
export function scrubText(text: string): string {
  return text.replace(SLACK_TOKEN, CENSOR).replace(SECRET_HEADER_TEXT, (_m, name: string, sep: string) => `${name}${sep}${CENSOR}`);
}

/**
 * An Error as a log shows it: type, message, code, status, stack, cause (also serialized) and its
 * own fields, minus request config and headers at any depth; secret-named fields censored, text scrubbed.
 */
export function serializeError(err: Error): Record<string, unknown> {
  return errorFields(err, 0, new WeakSet());
}

/** Any logged value, made safe: Errors serialized, secret-named fields censored, strings scrubbed. */
export function redactForLog(value: unknown): unknown {
  return redact(value, 0, new WeakSet(), false);
}

function redact(value: unknown, depth: number, seen: WeakSet<object>, inError: boolean): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (isErrorLike(value)) return errorFields(value, depth, seen);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.constructor.name} of ${value.byteLength} bytes]`;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen, inError));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (inError && REQUEST_KEY.test(key)) continue;
      out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? CENSOR : redact(v, depth + 1, seen, inError);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function errorFields(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  if (seen.has(err)) return { type: typeOf(err), message: scrubText(String(err.message)), circular: true };
  seen.add(err);
  try {
    const e = err as Error & { code?: unknown; Code?: unknown; statusCode?: unknown; status?: unknown; $metadata?: { httpStatusCode?: unknown } };
    const out: Record<string, unknown> = { type: typeOf(err), message: scrubText(String(err.message ?? '')) };
    // Slack's errors carry `code` and `statusCode`; AWS's carry `Code` and `$metadata.httpStatusCode`.
    const code = e.code ?? e.Code;
    const status = e.statusCode ?? e.status ?? e.$metadata?.httpStatusCode;
    if (code !== undefined) out['code'] = redact(code, depth + 1, seen, true);
    if (typeof status === 'number') out['status'] = status;
    if (typeof err.stack === 'string') out['stack'] = scrubText(err.stack);
    for (const [key, v] of Object.entries(err)) {
      if (key in out || key === 'cause' || REQUEST_KEY.test(key)) continue;
      out[key] = SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '' ? CENSOR : redact(v, depth + 1, seen, true);
    }
    if (err.cause !== undefined) out['cause'] = redact(err.cause, depth + 1, seen, true);
    return out;
  } finally {
    seen.delete(err);
  }
}

function isErrorLike(value: object): value is Error {
  return value instanceof Error || (typeof (value as Error).message === 'string' && typeof (value as Error).stack === 'string');
}

function typeOf(err: Error): string {
  const ctor = (err as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : String(err.name ?? 'Error');
}
