/**
 * Locks: one operation per target at a time. A second request is refused at once, naming who holds
 * the lock, since when, and the job; `/dev locks` lists them; they go when the job succeeds or
 * fails. (Cancel, decline and expiry release them too: see jobs-platform-jobs-cancel and -confirm.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL, DEV, startBot, type Bot } from './jobs-platform-bot.js';

const QUEUED = /^Queued as job deploy-[0-9a-f]{10}\.$/;

/** The HH:MM:SS UTC a message shows is within a couple of seconds of `at`. */
function expectClockNear(hhmmss: string, at: number): void {
  const [h, m, s] = hhmmss.split(':').map(Number) as [number, number, number];
  const shown = (h * 3600 + m * 60 + s) * 1000;
  const day = 24 * 3600_000;
  const diff = Math.abs(((at % day) - shown + day + day / 2) % day - day / 2);
  expect(diff).toBeLessThan(2000);
}

describe('jobs platform: one operation per target', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('/dev locks says when nothing is locked', async () => {
    const locks = await bot.command(CAROL, 'locks', DEV);
    expect(locks.shown).toBe('*Locks held now*\nNo locks are held.');
  });

  it('refuses a second request on the same target at once, naming the holder, since when and the job; other targets go ahead', async () => {
    bot.deploy.plan('gerrit', { steps: ['roll out'] });
    const requestedAt = Date.now();
    const first = await bot.command(ALICE, 'deploy gerrit', DEV);
    expect(first.shown).toMatch(QUEUED);
    await bot.deploy.reached('gerrit', 'roll out');

    const asked = Date.now();
    const second = await bot.command(BOB, 'deploy gerrit', DEV);
    expect(Date.now() - asked).toBeLessThan(1000);
    // The mention is matched either way: the slash-command ack escapes it (see the report).
    const refusal = new RegExp(
      `^:lock: \`service/gerrit@dev\` is busy: (?:<|&lt;)@${ALICE}(?:>|&gt;) holds it since (\\d\\d:\\d\\d:\\d\\d) UTC with job \`${first.jobId}\` \\(\`/dev deploy gerrit\`\\)\\. Try again when it is done; \`/dev locks\` lists the locks\\.$`,
    );
    expect(second.shown).toMatch(refusal);
    expectClockNear(refusal.exec(second.shown)![1]!, requestedAt);
    expect(second.jobId).toBe(first.jobId); // the only job it names is the holder's

    const other = await bot.command(BOB, 'deploy wiki', DEV);
    expect(other.shown).toMatch(QUEUED);

    const locks = await bot.command(CAROL, 'locks', DEV);
    expect(locks.shown).toMatch(new RegExp(`\`service/gerrit@dev\` · held by <@${ALICE}> for \\d+s · job \`${first.jobId}\` \\(\`/dev deploy gerrit\`\\)`));
    expect(bot.deploy.runs.filter((r) => r.target === 'gerrit')).toHaveLength(1);

    // Released when the job succeeds: the next request goes ahead.
    bot.deploy.open('gerrit', 'roll out');
    await bot.waitForUpdate(await bot.progressMessage(DEV, first.jobId!), (v) => v.text.includes(' — succeeded'));
    // The runner writes the final message before it lets go of the lock (see the report), so
    // wait for the job itself to end.
    await bot.deps.queue.waitUntilFinished(first.jobId!, 5000);
    expect((await bot.command(CAROL, 'locks', DEV)).shown).not.toContain('service/gerrit@dev');
    expect((await bot.command(BOB, 'deploy gerrit', DEV)).shown).toMatch(QUEUED);
  });

  it('releases the lock when the job fails', async () => {
    bot.deploy.plan('sftp', { steps: ['upload keys', 'restart'], pace: 0, failAt: 'restart', failWith: 'sftp@1.service is masked' });
    const ack = await bot.command(ALICE, 'deploy sftp', DEV);
    await bot.waitForUpdate(await bot.progressMessage(DEV, ack.jobId!), (v) => v.text.includes(' — failed'));
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 5000);
    expect((await bot.command(CAROL, 'locks', DEV)).shown).not.toContain('service/sftp@dev');
    expect((await bot.command(BOB, 'deploy sftp', DEV)).shown).toMatch(QUEUED);
  });

  it('holds the lock while a dangerous request waits for confirmation', async () => {
    await bot.command(ALICE, 'failover pg-locked', DEV);
    await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-locked in dev?'));
    const second = await bot.command(BOB, 'failover pg-locked', DEV);
    expect(second.shown).toMatch(new RegExp(`^:lock: \`database/pg-locked@dev\` is busy: (?:<|&lt;)@${ALICE}(?:>|&gt;) holds it since`));
    expect(bot.fake.callsTo('chat.postMessage').filter((c) => String(c.params['text']).startsWith('Confirm /dev failover pg-locked'))).toHaveLength(1);
  });
});
