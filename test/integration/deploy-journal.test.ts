import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, startJournalBot, type JournalBot } from './deploy-journal-bot.js';

/**
 * A failed deploy says why: its message carries the failed unit's last 20 journal lines, read over
 * SSH (a real sshd) from the machine fleet placed it on, scrubbed; a machine that does not answer
 * is named instead, without holding the report up. Where a version ran before, the message has a
 * Rollback button that goes through the ACL and Confirm like typing `/dev rollback`.
 */
describe("a failed deploy's journal and Rollback button", () => {
  let bot: JournalBot;
  beforeAll(async () => {
    bot = await startJournalBot();
  });
  afterAll(() => bot?.close());

  const jobOf = (ack: string) => {
    const id = /job `?([a-z]+-[0-9a-f]{10})\b/.exec(ack)?.[1];
    if (!id) throw new Error(`the ack names no job: ${ack}`);
    return id;
  };

  it('shows the crash-looping unit\'s last 20 journal lines, scrubbed, and a Rollback button that needs the rollback verb and a Confirm', async () => {
    const first = await bot.finalMessage(jobOf(await bot.command(ALICE, 'deploy crashy --version 1 --yes')));
    expect(first.view.text).toMatch(/ — succeeded/);
    bot.fleet.injectFailure({ kind: 'crash-loop', image: 'team/crashy:2' });

    const failed = await bot.finalMessage(jobOf(await bot.command(ALICE, 'deploy crashy --version 2 --yes')));
    const shown = failed.view.shown;
    expect(shown).toMatch(/crashy\.service is crash-looping/);
    expect(shown).toMatch(/Last 20 journal lines of crashy\.service on [0-9a-f]{8} \(127\.0\.0\.2\)/);
    expect(shown).toContain('args: -u crashy.service -n 20 --no-pager -o short-iso');
    expect(shown).toContain('crashy.service: crash line 20');
    expect(shown).toContain('starting with API_TOKEN=[redacted] and [redacted]');
    expect(shown).not.toMatch(/tok-crashy-123|xoxb-/);
    expect(failed.view.buttons.map((b) => b.label)).toEqual(['Retry', 'Rollback to 1']);
    expect(new Set(failed.view.buttons.map((b) => b.actionId)).size).toBe(2);

    // Bob may deploy but not roll back: refused, and nothing is posted for him to confirm.
    const refused = await bot.click(BOB, failed, 'Rollback');
    expect(refused).toMatch(/`rollback` is not allowed for you anywhere/);

    bot.fleet.clearFailures();
    const asked = await bot.click(ALICE, failed, 'Rollback');
    expect(asked).toMatch(/Preparing a preview of `\/dev rollback crashy --env local`/);
    const preview = await bot.waitForPost((v) => v.text.startsWith('Confirm /dev rollback crashy --env local'));
    expect(preview.posted.shown).toMatch(/Rollback of crashy\* in local: \*2 → 1/);
    const confirmed = await bot.click(ALICE, preview, 'Confirm');
    const rollback = await bot.finalMessage(jobOf(confirmed));
    expect(rollback.view.text).toMatch(/ — succeeded/);
    expect(bot.fleet.states().find((s) => s.name === 'crashy.service')?.systemdActiveState).toBe('active');
    const [last] = await bot.deps.deploymentsFor('local').list({ service: 'crashy', limit: 1 });
    expect(last).toMatchObject({ kind: 'rollback', version: '1', outcome: 'succeeded', user: ALICE });
  });

  it('says the journal is unavailable, and why, when the machine does not answer, without holding the failure up', async () => {
    bot.fleet.injectFailure({ kind: 'crash-loop', image: 'team/lost:1' });
    const started = Date.now();
    const failed = await bot.finalMessage(jobOf(await bot.command(ALICE, 'deploy lost --yes')));
    const took = Date.now() - started;
    expect(failed.view.shown).toMatch(/lost\.service is crash-looping/);
    expect(failed.view.shown).toMatch(/Journal of lost\.service unavailable: (127\.0\.0\.4 did not answer within 3000 ms|no answer within 3500 ms)\./);
    // 1.5 s of start timeout, the journal's 3 s bound, and the message's own pace; never the SSH timeout of 10 s.
    expect(took).toBeLessThan(9_500);
    // No version ran before: nothing to roll back to, so only Retry.
    expect(failed.view.buttons.map((b) => b.label)).toEqual(['Retry']);
  });
});
