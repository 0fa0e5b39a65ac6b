/** The Slack adapter's file upload at the wire: URL, bytes, completion, as files.uploadV2 does it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChat } from '../../src/adapters/slack/slack-chat.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { UpstreamError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';

const log = silentLogger();
let fake: FakeSlackApi;
beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(() => fake?.close());

describe('Chat.upload over the Slack adapter', () => {
  it('gets an upload URL, posts the bytes there and shares the file in the channel', async () => {
    const chat = createSlackChat({ client: createWebClient({ token: 'xoxb-upload-test', apiUrl: fake.url, log }), log });
    const content = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n');
    await chat.upload!('C_OPS', { filename: 'web@1.service.log', title: 'journal of web@1.service', content }, { threadTs: '1.000001' });
    expect(fake.callsTo('files.getUploadURLExternal')[0]?.params).toMatchObject({ filename: 'web@1.service.log', length: String(Buffer.byteLength(content)) });
    expect(fake.files()).toContainEqual(expect.objectContaining({ filename: 'web@1.service.log', title: 'journal of web@1.service', channel: 'C_OPS', threadTs: '1.000001', content }));
  });

  it('fails with UpstreamError when Slack refuses', async () => {
    const chat = createSlackChat({ client: createWebClient({ token: 'xoxb-upload-test', apiUrl: fake.url, log }), log });
    fake.failNext('files.completeUploadExternal', { error: 'not_in_channel' });
    await expect(chat.upload!('C_OPS', { filename: 'a.log', title: 'a', content: 'x' })).rejects.toBeInstanceOf(UpstreamError);
  });
});
