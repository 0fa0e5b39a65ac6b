/**
 * The progress reporter over the real Slack adapter (WebClient + createSlackChat) against the
 * local fake of the Web API: a 429 on the final chat.update must not lose the end of the job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChat } from '../../src/adapters/slack/slack-chat.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { startProgress } from '../../src/jobs/progress-reporter.js';
import { silentLogger } from '../../src/log.js';
import { createFakeJobState } from '../fakes/fake-stores.js';
import { startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../fakes/slack-api.js';
import { uniqueName } from '../harness/unique.js';

const log = silentLogger();

describe('progress over the Slack adapter, rate limited', () => {
  let fake: FakeSlackApi;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
  });
  afterAll(async () => {
    await fake?.close();
  });

  /** Runs a two-step job whose final update meets one 429 with Retry-After: 1. */
  async function runJobMeeting429(retries?: number) {
    const channel = uniqueName('C');
    const client = createWebClient({ token: 'xoxb-progress-test', apiUrl: fake.url, log, ...(retries === undefined ? {} : { retries }) });
    const chat = createSlackChat({ client, log });
    const progress = await startProgress({
      chat, store: createFakeJobState(), log, channel, jobId: uniqueName('restart'), title: 'Restart gerrit', requestedBy: 'U_ALICE', now: () => new Date(),
    });
    await progress.step('stop gerrit', async () => {});
    await progress.step('start gerrit', async () => {});
    fake.failNext('chat.update', { status: 429, retryAfter: 1 });
    await progress.finish('succeeded', 'gerrit is back.');

    const inChannel = (c: RecordedCall) => c.params['channel'] === channel;
    return {
      posts: fake.callsTo('chat.postMessage').filter((c) => inChannel(c) && c.params['thread_ts'] === undefined),
      thread: fake.callsTo('chat.postMessage').filter((c) => inChannel(c) && c.params['thread_ts'] !== undefined),
      updates: fake.callsTo('chat.update').filter(inChannel),
    };
  }

  it('waits out Retry-After and still delivers the final state, on the one message', async () => {
    const { posts, updates, thread } = await runJobMeeting429();

    expect(posts).toHaveLength(1);
    expect(updates.map((u) => u.status)).toEqual([429, 200]);
    expect(updates[1]!.receivedAt - updates[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
    const last = updates.at(-1)!;
    expect(last.params['text']).toMatch(/^Restart gerrit — succeeded/);
    expect(last.params['text']).toContain('[done] start gerrit');
    expect(last.params['text']).toContain('gerrit is back.');
    // Every update edits the message posted at the start; the step log is in its thread.
    const ts = updates[0]!.params['ts'];
    expect(updates.every((u) => u.params['ts'] === ts)).toBe(true);
    expect(thread.length).toBeGreaterThan(0);
    expect(thread.every((c) => c.params['thread_ts'] === ts)).toBe(true);
    expect(thread.map((c) => String(c.params['text'])).join('\n')).toContain('✓ start gerrit');
  });

  it('retries the final state itself when the WebClient gives up on the 429', async () => {
    const { posts, updates } = await runJobMeeting429(0);

    expect(posts).toHaveLength(1);
    expect(updates.map((u) => u.status)).toEqual([429, 200]);
    expect(updates.at(-1)!.params['text']).toMatch(/^Restart gerrit — succeeded/);
    expect(updates.at(-1)!.params['text']).toContain('gerrit is back.');
  });
});
