import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpstreamError } from '../../../src/errors.js';
import { startProgress, type ProgressOptions } from '../../../src/jobs/progress-reporter.js';
import { createLogger, silentLogger } from '../../../src/log.js';
import type { Chat, ChatMessage } from '../../../src/ports/chat.js';
import type { JobStateStore } from '../../../src/ports/job-state.js';
import { ACTION_IDS } from '../../../src/render/confirm.js';
import { SLACK_LIMITS } from '../../../src/render/limits.js';
import { createFakeJobState, createRecordingChat, type RecordedMessage } from '../../fakes/fake-stores.js';

const CHANNEL = 'C_OPS';

/** The recording Chat, plus when (on the fake clock) each call reached it. */
function timedChat() {
  const chat = createRecordingChat();
  const at = new Map<RecordedMessage, number>();
  let refused = 0;
  const stamp = () => {
    const last = chat.messages[chat.messages.length - 1];
    if (last && !at.has(last)) at.set(last, Date.now());
  };
  const count = (e: unknown) => {
    refused += 1;
    throw e;
  };
  const timed: Chat = {
    post: async (channel, message, opts) => chat.post(channel, message, opts).catch(count).finally(stamp),
    update: async (ref, message) => chat.update(ref, message).catch(count).finally(stamp),
    postEphemeral: async (channel, user, message) => chat.postEphemeral(channel, user, message).catch(count).finally(stamp),
  };
  const topLevel = () => chat.messages.filter((m) => m.op === 'post' && !m.threadTs);
  const updates = () => chat.messages.filter((m) => m.op === 'update');
  const thread = () => chat.messages.filter((m) => m.op === 'post' && m.threadTs);
  /** What the job's message shows now: its last update, or the post if never updated. */
  const current = (): ChatMessage => (updates().at(-1) ?? topLevel()[0])!.message;
  /** Times of every write to the job's message (its post, then each update). */
  const writes = () => [...topLevel(), ...updates()].map((m) => at.get(m)!);
  return { chat: timed, recording: chat, topLevel, updates, thread, current, writes, refused: () => refused };
}

function options(chat: Chat, store: JobStateStore, over: Partial<ProgressOptions> = {}): ProgressOptions {
  return {
    chat, store, log: silentLogger(), channel: CHANNEL, jobId: 'deploy-1', title: 'Deploy gerrit to prod', requestedBy: 'U_ALICE',
    now: () => new Date(), ...over,
  };
}

/** A logger whose lines the test reads. */
function captureLines() {
  const lines: string[] = [];
  return { lines, log: createLogger({ destination: { write: (line: string) => void lines.push(line) } }) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const threadText = (t: ReturnType<typeof timedChat>) => t.thread().map((m) => m.message.text).join('\n');

/** Runs `job` to the end while the fake clock moves on. */
async function runToEnd(job: () => Promise<void>): Promise<void> {
  const done = job();
  await vi.runAllTimersAsync();
  await done;
}

describe('progress reporter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-03-01T10:00:00.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('with a first-post hold, posts one message once the job has run past it, and updates that message as it advances', async () => {
    const t = timedChat();
    const p = await startProgress({ ...options(t.chat, createFakeJobState()), firstPostHoldMs: 1000 });
    // Nothing yet: a result ready within the hold would be the only post.
    expect(t.topLevel()).toHaveLength(0);

    await runToEnd(async () => {
      await p.step('check health', () => sleep(300));
      await p.step('deploy', () => sleep(2_500));
      await p.finish('succeeded', 'gerrit 3.9.2 is live.');
    });

    expect(t.topLevel()).toHaveLength(1);
    // Posted while 'deploy' ran, and it said so.
    expect(t.topLevel()[0]!.message.text).toMatch(/^Deploy gerrit to prod — running/);
    expect(t.topLevel()[0]!.message.text).toContain('[....] deploy');
    const ts = t.topLevel()[0]!.ts;
    expect(t.updates().length).toBeGreaterThanOrEqual(1);
    expect(t.updates().every((u) => u.ts === ts)).toBe(true);
    const final = t.current().text;
    expect(final).toContain('succeeded');
    expect(final).toContain('[done] check health');
    expect(final).toContain('[done] deploy');
    expect(final).toContain('gerrit 3.9.2 is live.');
    // Step logs go to the message's thread, not the channel.
    expect(t.thread().every((m) => m.threadTs === ts)).toBe(true);
    expect(threadText(t)).toContain('✓ check health');
    expect(threadText(t)).toContain('✓ deploy');
  });

  it('posts the result of a job done within the hold once: no "running" message, no update', async () => {
    const t = timedChat();
    const p = await startProgress({ ...options(t.chat, createFakeJobState()), firstPostHoldMs: 1000 });
    await runToEnd(async () => {
      await p.step('read status', () => sleep(200));
      await p.finish('succeeded', 'all healthy.');
    });
    expect(t.topLevel()).toHaveLength(1);
    expect(t.updates()).toHaveLength(0);
    expect(t.topLevel()[0]!.message.text).toContain('succeeded');
    expect(t.topLevel()[0]!.message.text).not.toContain('running');
  });

  it('a report of its own as the final message is named by its job, at its foot; one that names its job already is left as it is', async () => {
    const t = timedChat();
    const p = await startProgress({ ...options(t.chat, createFakeJobState(), { jobId: 'machines-7' }), firstPostHoldMs: 1000 });
    const report: ChatMessage = { text: 'Machines of prod: 3', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Machines of prod: 3' } }] };
    await runToEnd(() => p.finish('succeeded', 'Machines of prod: 3', report));
    expect(t.current().text).toBe('Machines of prod: 3\n(job machines-7)');
    expect(t.current().blocks?.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'job `machines-7`' }] });

    const s = timedChat();
    const q = await startProgress({ ...options(s.chat, createFakeJobState(), { jobId: 'status-9' }), firstPostHoldMs: 1000 });
    await runToEnd(() => q.finish('succeeded', 'All parts healthy.', { text: 'prod is healthy\n(job status-9, checked in 40 ms)' }));
    expect(s.current()).toEqual({ text: 'prod is healthy\n(job status-9, checked in 40 ms)' });
  });

  it('posts at once without a hold', async () => {
    const t = timedChat();
    await startProgress(options(t.chat, createFakeJobState()));
    expect(t.topLevel()).toHaveLength(1);
    expect(t.topLevel()[0]!.message.text).toMatch(/running/);
  });

  it('sends a job of 500 quick steps as a handful of updates at least a second apart, every step in the thread', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    const names = Array.from({ length: 500 }, (_, i) => `restart unit ${String(i + 1).padStart(3, '0')}`);

    await runToEnd(async () => {
      for (const name of names) await p.step(name, () => sleep(10));
      await p.finish('succeeded', 'All 500 units restarted.');
    });

    expect(t.topLevel()).toHaveLength(1);
    expect(t.updates().length).toBeGreaterThanOrEqual(3);
    expect(t.updates().length).toBeLessThanOrEqual(10);
    const writes = t.writes();
    for (let i = 1; i < writes.length; i++) expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(1_000);

    const final = t.current();
    expect(final.text).toContain('succeeded');
    expect(final.text).toContain('All 500 units restarted.');
    expect(final.text).toContain('[done] restart unit 500');
    expect(final.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(final.blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);

    // The thread has every step, in a few messages each within Slack's text limit.
    const thread = threadText(t);
    for (const name of names) expect(thread).toContain(`✓ ${name}`);
    expect(t.thread().length).toBeLessThan(20);
    for (const m of t.thread()) expect(m.message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  });

  it('lands the final state even when Slack refuses the update a few times', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    await runToEnd(async () => {
      await p.step('push image', async () => {
        throw new Error('registry answered 503');
      }).catch(() => undefined);
      t.recording.failNext(3, new UpstreamError('while posting to Slack: ratelimited', { service: 'slack' }));
      await p.finish('failed', 'The registry is unavailable.');
    });

    expect(t.refused()).toBe(3);
    const final = t.current();
    expect(final.text).toContain('failed');
    expect(final.text).toContain('[FAIL] push image — registry answered 503');
    expect(final.text).toContain('The registry is unavailable.');
    const retry = final.blocks!.filter((b) => b.type === 'actions').flatMap((b) => b['elements'] as Array<{ action_id: string }>);
    expect(retry.map((b) => b.action_id)).toEqual([ACTION_IDS.retry]);
    expect(t.topLevel()).toHaveLength(1);
    expect(threadText(t)).toContain('✗ push image — registry answered 503');
  });

  it('catches up after a failed update in the middle of a job', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    await runToEnd(async () => {
      t.recording.failNext(1, new UpstreamError('while posting to Slack: ratelimited', { service: 'slack' }));
      await p.step('drain e2', () => sleep(1_500));
      expect(t.refused()).toBe(1);
      await p.step('restart e2', () => sleep(3_000));
      // The update showing 'restart e2' running arrived despite the refused one before it.
      expect(t.current().text).toContain('[....] restart e2');
      await p.finish('succeeded', 'Done.');
    });
    expect(t.current().text).toContain('[done] restart e2');
  });

  it('gives up on the final state after a bounded time when Slack stays down, without failing the job', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    t.recording.failNext(1_000, new UpstreamError('while posting to Slack: service_unavailable', { service: 'slack' }));
    const started = Date.now();
    await runToEnd(() => p.finish('succeeded', 'Done.'));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(t.updates()).toHaveLength(0);
    // It stopped trying: nothing is left to hammer Slack with in the background.
    expect(t.refused()).toBeLessThanOrEqual(6);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops at once when Slack refuses the channel itself (not_in_channel): no retries holding the worker, the reason logged', async () => {
    const t = timedChat();
    const logs = captureLines();
    t.recording.failNext(1_000, new UpstreamError('while posting to Slack: not_in_channel', { service: 'slack', retryable: false }));
    const told: Array<{ text: string; code: string }> = [];
    const onChannelRefused = async (final: ChatMessage, code: string) => void told.push({ text: final.text, code });
    const p = await startProgress(options(t.chat, createFakeJobState(), { log: logs.log, onChannelRefused }));
    const started = Date.now();
    await runToEnd(async () => {
      await p.step('check', () => sleep(3_000));
      await p.finish('succeeded', 'Done.');
    });
    // The first post and one last try with the final state; not a post a second for the job's length.
    expect(t.refused()).toBe(2);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(logs.lines.filter((l) => /Slack refuses the channel/.test(l))).toHaveLength(1);
    // The requester hears the end some other way, once, with Slack's reason.
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ code: 'not_in_channel' });
    expect(told[0]!.text).toContain('Done.');
  });

  it('still sends a line logged after the end to the thread', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    await runToEnd(async () => {
      await p.finish('succeeded', 'Done.');
      p.log('Cleaned up the build cache.');
    });
    expect(threadText(t)).toContain('Cleaned up the build cache.');
    expect(t.current().text).toContain('succeeded');
  });

  it('resumes on the same message after the worker died, without running finished steps again', async () => {
    const t = timedChat();
    const store = createFakeJobState();
    const first = await startProgress(options(t.chat, store));
    await first.step('build', async () => {});
    await first.step('push', async () => {});
    void first.step('deploy', () => new Promise(() => {})); // the worker dies during this step
    await vi.advanceTimersByTimeAsync(2_000);
    expect(t.current().text).toContain('[....] deploy');

    const ran: string[] = [];
    const second = await startProgress(options(t.chat, store));
    await runToEnd(async () => {
      for (const name of ['build', 'push', 'deploy', 'verify']) {
        await second.step(name, async () => {
          ran.push(name);
        });
      }
      await second.finish('succeeded', 'Deployed.');
    });

    expect(ran).toEqual(['deploy', 'verify']);
    expect(t.topLevel()).toHaveLength(1);
    expect(t.updates().every((u) => u.ts === t.topLevel()[0]!.ts)).toBe(true);
    const final = t.current().text;
    expect(final).toContain('resumed once after a worker was lost');
    for (const name of ['build', 'push', 'deploy', 'verify']) expect(final.match(new RegExp(`\\[done\\] ${name}$`, 'gm'))).toHaveLength(1);
    expect(final).not.toContain('[....]');
    expect(threadText(t)).toContain('Resumed on another worker');
  });

  it('runs a step again when a job repeats it within one run', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    let waits = 0;
    await runToEnd(async () => {
      await p.step('wait for health', async () => void waits++);
      await p.step('restart e2', async () => {});
      await p.step('wait for health', async () => void waits++);
      await p.finish('succeeded', 'Done.');
    });
    expect(waits).toBe(2);
    expect(t.current().text.match(/\[done\] wait for health/g)).toHaveLength(2);
  });

  it('does not start a step once the job is cancelled', async () => {
    const t = timedChat();
    const cancel = new AbortController();
    const p = await startProgress(options(t.chat, createFakeJobState(), { signal: cancel.signal }));
    const restart = vi.fn(async () => {});
    await runToEnd(async () => {
      // Cancelled while draining: draining finishes (a safe point), nothing after it starts.
      await p.step('drain e2', async () => {
        cancel.abort('cancelled by U_BOB');
      });
      await expect(p.step('restart e2', restart)).rejects.toBe('cancelled by U_BOB');
      await p.finish('cancelled', 'Cancelled by U_BOB.');
    });
    expect(restart).not.toHaveBeenCalled();
    const final = t.current().text;
    expect(final).toContain('cancelled');
    expect(final).toContain('[done] drain e2');
    expect(final).not.toContain('restart e2');
  });

  it('moves long output to the thread in full, in messages within the limit', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    const output = Array.from({ length: 1_000 }, (_, i) => `line ${i}`).join(' | ');
    const summary = `Failed: ${'e'.repeat(5_000)} END`;
    await runToEnd(async () => {
      p.log(output);
      await p.finish('failed', summary);
    });
    for (const m of t.thread()) expect(m.message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    const thread = t.thread().map((m) => m.message.text).join('');
    expect(thread.replace(/\n/g, '')).toContain(output);
    expect(thread.replace(/\n/g, '')).toContain(summary);
    expect(t.current().text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(t.current().text).toContain('(full text in the thread)');
  });

  it('sends a refused thread message again later without repeating the ones that got through', async () => {
    const t = timedChat();
    let threadPosts = 0;
    const flaky: Chat = {
      ...t.chat,
      post: async (channel, message, opts) => {
        if (opts?.threadTs && ++threadPosts === 2) throw new UpstreamError('while posting to Slack: ratelimited', { service: 'slack' });
        return t.chat.post(channel, message, opts);
      },
    };
    const p = await startProgress(options(flaky, createFakeJobState()));
    // Three lines too long to share a message: three thread messages, the second refused once.
    const lines = ['a', 'b', 'c'].map((tag) => `${tag}:${tag.repeat(3_000)}`);
    await runToEnd(async () => {
      for (const line of lines) p.log(line);
      await p.finish('succeeded', 'Done.');
    });
    expect(threadPosts).toBe(4);
    expect(t.thread().map((m) => m.message.text)).toEqual(expect.arrayContaining(lines));
    expect(t.thread()).toHaveLength(3);
  });

  it('replaces the step list with the job’s own final message, kept within the limits', async () => {
    const t = timedChat();
    const p = await startProgress(options(t.chat, createFakeJobState()));
    const report: ChatMessage = { text: `status report ${'r'.repeat(6_000)}`, blocks: Array.from({ length: 80 }, () => ({ type: 'divider' })) };
    await runToEnd(() => p.finish('succeeded', 'Done.', report));
    expect(t.current().text).toMatch(/^status report r/);
    expect(t.current().text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(t.current().blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  });

  it('keeps the message to post when Slack refuses the very first post', async () => {
    const t = timedChat();
    t.recording.failNext(1, new UpstreamError('while posting to Slack: ratelimited', { service: 'slack' }));
    const p = await startProgress(options(t.chat, createFakeJobState()));
    expect(t.topLevel()).toHaveLength(0);
    await runToEnd(async () => {
      await p.step('check', () => sleep(1_500));
      await p.finish('succeeded', 'Done.');
    });
    expect(t.topLevel()).toHaveLength(1);
    expect(t.current().text).toContain('[done] check');
  });
});
