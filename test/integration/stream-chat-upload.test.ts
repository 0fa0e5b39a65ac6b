/** `devbot console` has no files: an upload (a long journal) is printed in the session, under its name. */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { consoleStreamKey, createStreamChat, readConsoleEvents } from '../../src/adapters/console/stream-chat.js';
import { connectRedis } from '../../src/adapters/redis/connect-redis.js';
import { uniqueName } from '../harness/unique.js';

const redis = connectRedis(inject('redisUrl'), 'producer', { commandTimeoutMs: 2000 });
afterAll(() => redis.disconnect());

describe('Chat.upload in the console', () => {
  it('prints the file in the thread it was given', async () => {
    const prefix = uniqueName('p');
    const session = uniqueName('s');
    const chat = createStreamChat(redis, prefix, session);
    await chat.upload!('ops', { filename: 'web@1.service.log', title: 'journal of web@1.service', content: 'line 1\nline 2' }, { threadTs: '1-0' });
    const [event] = await readConsoleEvents(redis, consoleStreamKey(prefix, session), '0', 0);
    expect(event?.event).toMatchObject({ type: 'post', channel: 'ops', threadTs: '1-0', text: '── web@1.service.log (journal of web@1.service) ──\nline 1\nline 2' });
    await redis.del(consoleStreamKey(prefix, session));
  });
});
