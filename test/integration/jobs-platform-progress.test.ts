/**
 * Live progress: each job owns one Slack message, posted when it starts and updated in place as it
 * advances (title, requester, step marks, elapsed time, result), with step logs in its thread and
 * updates coalesced to about one per second. Failed jobs carry a Retry button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL, DEV, startBot, type Bot } from './jobs-platform-bot.js';

describe('jobs platform: the live progress message', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('posts one message when the job starts and updates it in place, step by step, to its result', async () => {
    bot.deploy.plan('gerrit', { steps: ['pull image', 'restart units', 'health check'] });
    const ack = await bot.command(ALICE, 'deploy gerrit', DEV);
    expect(ack.shown).toMatch(/^Queued as job deploy-[0-9a-f]{10}\.$/);
    const jobId = ack.jobId!;

    const msg = await bot.progressMessage(DEV, jobId);
    expect(msg.posted.shown).toContain('*Deploy of gerrit to dev* — :arrows_counterclockwise: Running');
    expect(msg.posted.shown).toContain(`job \`${jobId}\` · requested by <@${ALICE}>`);

    await bot.deploy.reached('gerrit', 'pull image');
    const first = await bot.waitForUpdate(msg, (v) => v.text.includes('[....] pull image'));
    expect(first.shown).toContain(':hourglass_flowing_sand: pull image');

    bot.deploy.open('gerrit', 'pull image');
    await bot.deploy.reached('gerrit', 'restart units');
    const second = await bot.waitForUpdate(msg, (v) => v.text.includes('[....] restart units'));
    expect(second.shown).toContain(':white_check_mark: pull image\n:hourglass_flowing_sand: restart units');
    expect(second.shown).not.toContain('health check');

    bot.deploy.open('gerrit', 'restart units');
    bot.deploy.open('gerrit', 'health check');
    const final = await bot.waitForUpdate(msg, (v) => v.text.includes(' — succeeded'));
    expect(final.shown).toContain('*Deploy of gerrit to dev* — :large_green_circle: Succeeded');
    expect(final.shown).toContain(':white_check_mark: pull image\n:white_check_mark: restart units\n:white_check_mark: health check');
    expect(final.shown).toContain('Done.');
    // Elapsed time, from the start of the job to its end, in the message and its fallback text.
    expect(final.shown).toMatch(new RegExp(`job \`${jobId}\` · requested by <@${ALICE}> · \\d+s`));
    expect(final.text).toMatch(new RegExp(`^Deploy of gerrit to dev — succeeded \\(job ${jobId}, \\d+s\\)`));
    expect(final.buttons).toEqual([]);

    // One message for the job: every change was an update of it, never a new post.
    const posts = bot.fake.callsTo('chat.postMessage').filter((c) => c.params['thread_ts'] === undefined && String(c.params['text']).includes(jobId));
    expect(posts).toHaveLength(1);
    expect(bot.updates(msg).length).toBeGreaterThanOrEqual(3);

    // The step log is in the message's thread.
    await bot.waitForThread(msg, (t) => t.includes('✓ health check'));
    expect(bot.thread(msg).join('\n')).toMatch(/✓ pull image[\s\S]*✓ restart units[\s\S]*✓ health check/);
  });

  it('marks the failed step with its error, says Failed and offers Retry; Retry runs the command again as the one who clicked', async () => {
    bot.deploy.plan('wiki', { steps: ['pull image', 'restart units', 'health check'], pace: 0, failAt: 'restart units', failWith: 'unit wiki@1.service did not start' });
    bot.deploy.plan('wiki', { steps: ['pull image', 'restart units', 'health check'], pace: 0 });
    const ack = await bot.command(ALICE, 'deploy wiki', DEV);
    const msg = await bot.progressMessage(DEV, ack.jobId!);

    const failed = await bot.waitForUpdate(msg, (v) => v.text.includes(' — failed'));
    expect(failed.shown).toContain('*Deploy of wiki to dev* — :red_circle: Failed');
    expect(failed.shown).toContain(':white_check_mark: pull image\n:x: restart units — unit wiki@1.service did not start');
    expect(failed.shown).not.toContain('health check');
    expect(failed.buttons).toEqual([{ label: 'Retry', actionId: 'devbot_retry', value: ack.jobId, blockId: undefined }]);
    await bot.waitForThread(msg, (t) => t.includes('✗ restart units — unit wiki@1.service did not start'));

    // Retry goes through the whole command path: someone not allowed to deploy gets a refusal.
    expect(await bot.click(CAROL, msg, 'Retry')).toMatch(/^:no_entry: `deploy` is not allowed for you/);

    // The runner writes the final message a moment before it releases the lock (see the report):
    // wait for the job to end, as a person's click always would.
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 5000);
    const retried = await bot.click(BOB, msg, 'Retry');
    expect(retried).toMatch(/^Queued as job deploy-[0-9a-f]{10}\.$/);
    const retryId = /job (\S+)\./.exec(retried)![1]!;
    expect(retryId).not.toBe(ack.jobId);
    const again = await bot.progressMessage(DEV, retryId);
    expect(again.posted.shown).toContain(`requested by <@${BOB}>`);
    const done = await bot.waitForUpdate(again, (v) => v.text.includes(' — succeeded'));
    expect(done.shown).toContain(':white_check_mark: health check');
    expect(bot.deploy.runs.filter((r) => r.target === 'wiki').map((r) => [r.requestedBy, r.finished.length])).toEqual([[ALICE, 1], [BOB, 3]]);
  });

  it('coalesces changes into about one update per second, and step logs into a few thread replies', async () => {
    const steps = Array.from({ length: 24 }, (_, i) => `step ${i + 1}`);
    bot.deploy.plan('busy', { steps, pace: 100 });
    const ack = await bot.command(ALICE, 'deploy busy', DEV);
    const msg = await bot.progressMessage(DEV, ack.jobId!);
    const final = await bot.waitForUpdate(msg, (v) => v.text.includes(' — succeeded'));
    expect(final.shown).toContain(':white_check_mark: step 1\n');
    expect(final.shown).toContain(':white_check_mark: step 24');

    // 48 step transitions in about 2.4 s: a handful of writes to the message, each about 1 s
    // after the one before (the final result included).
    const times = [msg.postedAt, ...bot.updates(msg).map((c) => c.receivedAt)];
    expect(times.length - 1).toBeLessThanOrEqual(5);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);

    await bot.waitForThread(msg, (t) => t.includes('✓ step 24'));
    const thread = bot.thread(msg);
    expect(thread.length).toBeLessThanOrEqual(6);
    const lines = thread.join('\n').split('\n');
    expect(lines).toEqual(steps.map((s) => `✓ ${s}`));
  });
});
