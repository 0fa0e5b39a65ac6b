/**
 * The strict Web API fake says no as Slack does, so tests against it meet Slack's refusals:
 * rate limits (429 + Retry-After), Block Kit limits, message length, membership, archived or
 * missing channels, bad tokens. Without options it stays as permissive as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackOptions } from '../fakes/slack-api.js';

describe('strict Slack Web API fake', () => {
  let fake: FakeSlackApi | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function call(options: FakeSlackOptions, method: string, body: Record<string, unknown>, token = 'xoxb-good'): Promise<{ status: number; retryAfter: string | null; json: Record<string, unknown> }> {
    fake ??= await startFakeSlackApi(options);
    const res = await fetch(`${fake.url}${method}`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Record<string, unknown> };
  }

  it('answers 429 with Retry-After past a burst of 6 posts in one channel; another channel is not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await call({ strict: true }, 'chat.postMessage', { channel: 'C1', text: `m${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const refused = await call({ strict: true }, 'chat.postMessage', { channel: 'C1', text: 'again' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await call({ strict: true }, 'chat.postMessage', { channel: 'C2', text: 'other' })).status).toBe(200);
  });

  it('refuses Block Kit past its limits with invalid_blocks naming the block, and text over 40,000 with msg_too_long', async () => {
    const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }];
    const invalid = await call({ strict: true }, 'chat.postMessage', { channel: 'C1', text: 't', blocks });
    expect(invalid.json).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(JSON.stringify(invalid.json['response_metadata'])).toContain('/blocks/0/text/text');
    const button = [{ type: 'actions', elements: [{ type: 'button', action_id: 'a'.repeat(256), text: { type: 'plain_text', text: 'ok' }, value: 'v' }] }];
    expect((await call({ strict: true }, 'chat.postMessage', { channel: 'C2', text: 't', blocks: button })).json['error']).toBe('invalid_blocks');
    expect((await call({ strict: true }, 'chat.postMessage', { channel: 'C3', text: 'x'.repeat(40_001) })).json['error']).toBe('msg_too_long');
  });

  it('keeps membership: not_in_channel outside the listed channels, is_archived, channel_not_found, invalid_auth', async () => {
    const options = { memberChannels: ['C0IN', 'C0OLD'], archivedChannels: ['C0OLD'], missingChannels: ['C0GONE'], validTokens: ['xoxb-good'] };
    expect((await call(options, 'chat.postMessage', { channel: 'C0IN', text: 'hi' })).json['ok']).toBe(true);
    expect((await call(options, 'chat.postMessage', { channel: 'C0OUT', text: 'hi' })).json['error']).toBe('not_in_channel');
    expect((await call(options, 'chat.postMessage', { channel: 'C0OLD', text: 'hi' })).json['error']).toBe('is_archived');
    expect((await call(options, 'chat.postMessage', { channel: 'C0GONE', text: 'hi' })).json['error']).toBe('channel_not_found');
    expect((await call(options, 'chat.postMessage', { channel: 'C0IN', text: 'hi' }, 'xoxb-revoked')).json['error']).toBe('invalid_auth');
  });

  it('without options, nothing of this is refused', async () => {
    for (let i = 0; i < 10; i++) expect((await call({}, 'chat.postMessage', { channel: 'C1', text: 'x'.repeat(40_001) })).status).toBe(200);
  });
});
