/**
 * Requests that do not come from Slack: a tampered body, the wrong secret, missing or garbled
 * signature headers, a replay older than 5 minutes. Each is refused with 401 before devbot sees
 * it: no command handled, no audit entry, nothing queued. A genuine request still works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, signSlackRequest, slashCommandBody } from '../fakes/slack-signing.js';
import { ACTION_IDS } from '../../src/render/confirm.js';
import { ALICE, DEV, deletePrefix, startReliabilityBot, type ReliabilityBot } from './reliability-bot.js';

const FORM = 'application/x-www-form-urlencoded';
const now = () => Math.floor(Date.now() / 1000);

describe('Slack request signatures', () => {
  let bot: ReliabilityBot;

  beforeAll(async () => {
    bot = await startReliabilityBot();
  });

  afterAll(async () => {
    await bot?.close();
    if (bot) await deletePrefix(bot.config.redis.url, bot.config.redis.prefix);
  });

  async function post(body: string, headers: Record<string, string>): Promise<number> {
    const res = await fetch(bot.eventsUrl, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body });
    await res.text();
    return res.status;
  }

  /** A command that would be queued if it got through. */
  const statusBody = () => slashCommandBody({ text: 'status', user_id: ALICE, channel_id: DEV.id, channel_name: DEV.name });

  /** Every command and click devbot handles is audited, and a job is queued for this one: neither happened. */
  async function nothingReachedDevbot(): Promise<void> {
    const counts = await bot.deps.queue.counts();
    expect({ ...counts, workers: 0 }).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0, workers: 0 });
    expect(await bot.deps.audit.latest({ limit: 10 })).toEqual([]);
    // A click that got through would be answered through its response_url.
    expect(bot.fake.callsTo('response_url')).toEqual([]);
  }

  const refused: Array<[string, () => { body: string; headers: Record<string, string> }]> = [
    ['a body changed after signing', () => {
      const signed = statusBody();
      return { body: signed.replace('text=status', 'text=failover+postgres+--yes'), headers: signSlackRequest(bot.signingSecret, signed) };
    }],
    ['a byte appended to the body', () => {
      const body = statusBody();
      return { body: `${body}&x=1`, headers: signSlackRequest(bot.signingSecret, body) };
    }],
    ['the wrong signing secret', () => {
      const body = statusBody();
      return { body, headers: signSlackRequest(`${bot.signingSecret}x`, body) };
    }],
    ['an empty signing secret', () => {
      const body = statusBody();
      return { body, headers: signSlackRequest('', body) };
    }],
    ['no signature headers at all', () => ({ body: statusBody(), headers: {} })],
    ['no X-Slack-Signature', () => {
      const body = statusBody();
      const { 'x-slack-request-timestamp': ts } = signSlackRequest(bot.signingSecret, body);
      return { body, headers: { 'x-slack-request-timestamp': ts! } };
    }],
    ['no X-Slack-Request-Timestamp', () => {
      const body = statusBody();
      const { 'x-slack-signature': sig } = signSlackRequest(bot.signingSecret, body);
      return { body, headers: { 'x-slack-signature': sig! } };
    }],
    ['a garbled signature', () => ({ body: statusBody(), headers: { 'x-slack-signature': 'v0=zzzz', 'x-slack-request-timestamp': String(now()) } })],
    ['a signature of another version', () => {
      const body = statusBody();
      const { 'x-slack-signature': sig, ...rest } = signSlackRequest(bot.signingSecret, body);
      return { body, headers: { ...rest, 'x-slack-signature': sig!.replace(/^v0=/, 'v1=') } };
    }],
    ['a signature without its version', () => {
      const body = statusBody();
      const { 'x-slack-signature': sig, ...rest } = signSlackRequest(bot.signingSecret, body);
      return { body, headers: { ...rest, 'x-slack-signature': sig!.replace(/^v0=/, '') } };
    }],
    ['a timestamp that is not a number', () => {
      const body = statusBody();
      return { body, headers: { ...signSlackRequest(bot.signingSecret, body), 'x-slack-request-timestamp': 'soon' } };
    }],
    ['a signature over another timestamp', () => {
      const body = statusBody();
      return { body, headers: { ...signSlackRequest(bot.signingSecret, body, now() - 10), 'x-slack-request-timestamp': String(now()) } };
    }],
    ['a replay signed 6 minutes ago', () => {
      const body = statusBody();
      return { body, headers: signSlackRequest(bot.signingSecret, body, now() - 6 * 60) };
    }],
    ['a replay signed an hour ago', () => {
      const body = statusBody();
      return { body, headers: signSlackRequest(bot.signingSecret, body, now() - 3600) };
    }],
    ['a button click with a tampered payload', () => {
      const payload = blockActionsPayload({ userId: ALICE, channelId: DEV.id, channelName: DEV.name, actionId: ACTION_IDS.confirm, value: 'confirm-1', responseUrl: bot.fake.responseUrl('click') });
      const signed = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const forged = new URLSearchParams({ payload: JSON.stringify({ ...payload, user: { id: 'U0MALLORY', username: 'mallory', name: 'mallory', team_id: 'T0000001' } }) }).toString();
      return { body: forged, headers: signSlackRequest(bot.signingSecret, signed) };
    }],
    ['a button click signed 6 minutes ago', () => {
      const payload = blockActionsPayload({ userId: ALICE, channelId: DEV.id, channelName: DEV.name, actionId: ACTION_IDS.retry, value: 'status-0123456789', responseUrl: bot.fake.responseUrl('click') });
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      return { body, headers: signSlackRequest(bot.signingSecret, body, now() - 6 * 60) };
    }],
  ];

  it.each(refused)('401 for %s, and nothing reaches devbot', async (_name, build) => {
    const { body, headers } = build();
    expect(await post(body, headers)).toBe(401);
    await nothingReachedDevbot();
  });

  it("Slack's unsigned ssl_check cannot carry a command in with it", async () => {
    // Bolt lets ssl_check=1 through unsigned (Slack's certificate check); it must strip the rest.
    const status = await post(`ssl_check=1&${statusBody()}`, {});
    expect(status).toBeLessThan(500);
    await nothingReachedDevbot();
  });

  it('a genuine request still works, and replaying it within the 5 minutes makes no second job', async () => {
    const body = statusBody();
    const headers = signSlackRequest(bot.signingSecret, body);
    const first = await fetch(bot.eventsUrl, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body });
    expect(first.status).toBe(200);
    const firstText = String(((await first.json()) as { text?: unknown }).text);
    expect(firstText).toMatch(/^Queued as job status-[0-9a-f]{10}\.$/);
    const jobId = /job (status-[0-9a-f]{10})/.exec(firstText)![1]!;

    const again = await fetch(bot.eventsUrl, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body });
    expect(again.status).toBe(200);
    expect(String(((await again.json()) as { text?: unknown }).text)).toBe(`Already queued as job ${jobId}.`);
    expect((await bot.deps.queue.list({ all: true, limit: 10 })).map((j) => j.id)).toEqual([jobId]);
  });

  it('a genuine button click is answered (so the refusals above are not just clicks being ignored)', async () => {
    const payload = blockActionsPayload({ userId: ALICE, channelId: DEV.id, channelName: DEV.name, actionId: ACTION_IDS.retry, value: 'status-0123456789', responseUrl: bot.fake.responseUrl('genuine-click') });
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect(await post(body, signSlackRequest(bot.signingSecret, body))).toBe(200);
    const answer = await bot.fake.waitForCall('response_url', (c) => c.responseId === 'genuine-click');
    expect(String(answer.params['text'])).not.toBe('');
  });
});
