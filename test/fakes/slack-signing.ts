/** Signed requests as Slack sends them, for posting into the real Bolt receiver. */
import { createHmac, randomBytes } from 'node:crypto';

/** Slack's v0 signature headers for `body` (timestamp in seconds, default now). */
export function signSlackRequest(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': String(timestamp) };
}

export interface SlashCommandFields {
  token: string;
  team_id: string;
  team_domain: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  /** Where late replies go; point it at the fake (`fake.responseUrl(id)`) when a test expects one. */
  response_url: string;
  trigger_id: string;
}

export interface PostOptions {
  /** Sent as X-Slack-Retry-Num (with X-Slack-Retry-Reason: http_timeout). */
  retryNum?: number;
  /** Signature timestamp in seconds (e.g. 6 minutes ago for a stale request). */
  timestamp?: number;
  /** Sign with the wrong secret. */
  badSignature?: boolean;
  /** Send neither X-Slack-Signature nor X-Slack-Request-Timestamp. */
  omitHeaders?: boolean;
}

/** A realistic `/dev` payload; any field can be overridden. */
export function slashCommandBody(fields: Partial<SlashCommandFields> = {}): string {
  const triggerId = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
  const all: SlashCommandFields = {
    token: 'deprecated-verification-token',
    team_id: 'T0000001',
    team_domain: 'devbot-test',
    channel_id: 'C0DEV',
    channel_name: 'dev',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/dev',
    text: '',
    api_app_id: 'A0DEVBOT',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0000001/1/unused',
    trigger_id: triggerId,
    ...fields,
  };
  return new URLSearchParams(Object.entries(all)).toString();
}

/**
 * POSTs a signed slash command. `url` is the events URL, or the app's origin (then `/slack/events`
 * is added). Returns the HTTP status and the raw body (the ack: JSON for a message ack).
 */
export async function postSlashCommand(
  url: string,
  secret: string,
  fields: Partial<SlashCommandFields> = {},
  opts: PostOptions = {},
): Promise<{ status: number; body: string; json: () => unknown }> {
  const { status, body: text } = await postSigned(url, secret, slashCommandBody(fields), opts);
  return { status, body: text, json: () => JSON.parse(text) as unknown };
}

/** One button click as Slack describes it inside a `block_actions` payload. */
export interface ButtonClick {
  /** Who clicked. */
  userId: string;
  userName?: string;
  /** Where the message with the button is. */
  channelId: string;
  channelName: string;
  /** The button's action_id and value, as the message rendered them. */
  actionId: string;
  value: string;
  blockId?: string;
  /** The ts of the message holding the button. */
  messageTs?: string;
  /** Where the app's respond() goes; point it at the fake (`fake.responseUrl(id)`). */
  responseUrl: string;
  /** Unique per click (default: a fresh one, as Slack makes). */
  triggerId?: string;
}

/** A realistic `block_actions` interaction payload for a click on a message button. */
export function blockActionsPayload(click: ButtonClick): Record<string, unknown> {
  const now = Date.now() / 1000;
  const triggerId = click.triggerId ?? `${Math.floor(now)}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
  const team = { id: 'T0000001', domain: 'devbot-test' };
  return {
    type: 'block_actions',
    user: { id: click.userId, username: click.userName ?? click.userId.toLowerCase(), name: click.userName ?? click.userId.toLowerCase(), team_id: team.id },
    api_app_id: 'A0DEVBOT',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: click.messageTs ?? `${now.toFixed(6)}`, channel_id: click.channelId, is_ephemeral: false },
    trigger_id: triggerId,
    team,
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: click.channelId, name: click.channelName },
    message: { type: 'message', ts: click.messageTs ?? `${now.toFixed(6)}`, text: '', user: 'U0DEVBOT', bot_id: 'B0DEVBOT' },
    state: { values: {} },
    response_url: click.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: click.blockId ?? 'devbot',
        text: { type: 'plain_text', text: click.actionId, emoji: true },
        value: click.value,
        action_ts: now.toFixed(6),
      },
    ],
  };
}

/**
 * POSTs a signed interaction (`payload=<json>`, form-encoded, as Slack sends button clicks) into
 * the receiver. `url` is the events URL or the app's origin. Returns the HTTP status and raw body.
 */
export async function postInteraction(
  url: string,
  secret: string,
  payload: Record<string, unknown>,
  opts: PostOptions = {},
): Promise<{ status: number; body: string }> {
  return postSigned(url, secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), opts);
}

/** POSTs a form body to Bolt's receiver signed as Slack signs it (or deliberately not, per `opts`). */
async function postSigned(url: string, secret: string, body: string, opts: PostOptions): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  if (target.pathname === '/' || target.pathname === '') target.pathname = '/slack/events';
  const signed = signSlackRequest(opts.badSignature ? `${secret}-wrong` : secret, body, opts.timestamp);
  const headers: Record<string, string> = {
    // Exactly this: Bolt's HTTPReceiver compares the content type without parameters.
    'content-type': 'application/x-www-form-urlencoded',
    ...(opts.omitHeaders ? {} : signed),
    ...(opts.retryNum !== undefined ? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
  };
  const res = await fetch(target, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

/** One Events API delivery: `event_callback` around `event` (the event id is new unless given). */
export function eventCallbackBody(event: Record<string, unknown>, fields: { eventId?: string; teamId?: string } = {}): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? 'T0000001',
    api_app_id: 'A0DEVBOT',
    type: 'event_callback',
    event_id: fields.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: fields.teamId ?? 'T0000001', user_id: 'U0DEVBOT', is_bot: true }],
    event: { event_ts: event['ts'], ...event },
  };
}

/**
 * POSTs a signed Events API body as JSON, as Slack does (with X-Slack-Retry-Num for a
 * redelivery). `url` is the events URL or the app's origin. Returns the HTTP status and raw body.
 */
export async function postEvent(url: string, secret: string, body: Record<string, unknown>, opts: PostOptions = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  if (target.pathname === '/' || target.pathname === '') target.pathname = '/slack/events';
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...signSlackRequest(opts.badSignature ? `${secret}-wrong` : secret, raw, opts.timestamp),
    ...(opts.retryNum !== undefined ? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {}),
  };
  const res = await fetch(target, { method: 'POST', headers, body: raw });
  return { status: res.status, body: await res.text() };
}
