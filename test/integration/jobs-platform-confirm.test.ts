/**
 * Confirm before danger: dangerous commands first post a preview with Confirm / Cancel; only a user
 * the ACL allows may confirm; `approvals: 2` needs someone other than the requester; `--yes` skips
 * the step only where policy allows; an unanswered request expires and says so. Clicks arrive as
 * signed block_actions payloads into the same receiver as the slash commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL, DAVE, DEV, PROD, STAGING, startBot, type Bot } from './jobs-platform-bot.js';

const CONFIRMED = /^Confirmed: running as job (failover-[0-9a-f]{10}|deploy-[0-9a-f]{10})\.$/;
const NOT_PENDING = 'This request is no longer pending: it was already answered or it expired. Run the command again if it is still needed.';

describe('jobs platform: confirm before danger', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot({ confirmTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    await bot?.close();
  });

  const runsOn = (target: string) => bot.failover.runs.filter((r) => r.target === target);

  it('posts a preview with Confirm and Cancel; a user the ACL does not allow cannot confirm; an allowed one runs it', async () => {
    const ack = await bot.command(ALICE, 'failover pg-main', DEV);
    expect(ack.shown).toBe('Preparing a preview of `/dev failover pg-main`: confirm it in the channel within 1 min.');
    const preview = await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-main in dev?'));
    expect(preview.posted.shown).toContain(':warning: *Confirm* `/dev failover pg-main` in *dev*?');
    expect(preview.posted.shown).toContain('Failover of pg-main (dev): runs the steps planned for pg-main.');
    expect(preview.posted.shown).toContain(`Requested by <@${ALICE}>`);
    expect(preview.posted.buttons.map((b) => [b.label, b.actionId])).toEqual([['Confirm', 'devbot_confirm'], ['Cancel', 'devbot_decline']]);
    expect(runsOn('pg-main')).toEqual([]);

    expect(await bot.click(CAROL, preview, 'Confirm')).toMatch(/^:no_entry: Only someone allowed to run `failover` here may confirm it: `failover` is not allowed for you anywhere/);
    expect(bot.updates(preview)).toEqual([]);
    expect(runsOn('pg-main')).toEqual([]);

    const reply = await bot.click(ALICE, preview, 'Confirm');
    expect(reply).toMatch(CONFIRMED);
    const jobId = CONFIRMED.exec(reply)![1]!;
    const closed = await bot.waitForUpdate(preview, (v) => v.buttons.length === 0);
    expect(closed.shown).toContain(`:white_check_mark: Confirmed by <@${ALICE}>: running as job \`${jobId}\`.`);

    const progress = await bot.progressMessage(DEV, jobId);
    expect(progress.posted.shown).toContain(`*Failover of pg-main (dev)* — :arrows_counterclockwise: Running`);
    await bot.waitForUpdate(progress, (v) => v.text.includes(' — succeeded'));
    expect(runsOn('pg-main')).toHaveLength(1);
  });

  it('Cancel closes the request: nothing runs, the lock goes, and a late Confirm is refused', async () => {
    await bot.command(ALICE, 'failover pg-decline', DEV);
    const preview = await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-decline in dev?'));
    expect((await bot.command(BOB, 'locks', DEV)).shown).toContain(`\`database/pg-decline@dev\` · held by <@${ALICE}>`);

    expect(await bot.click(CAROL, preview, 'Cancel')).toBe(`:no_entry: Only <@${ALICE}> or someone allowed to run \`failover\` here may cancel this request.`);
    expect(await bot.click(ALICE, preview, 'Cancel')).toBe('Cancelled; nothing was done.');
    const closed = await bot.waitForUpdate(preview, (v) => v.buttons.length === 0);
    expect(closed.shown).toContain(`:no_entry_sign: Cancelled by <@${ALICE}>. Nothing was done.`);
    expect((await bot.command(BOB, 'locks', DEV)).shown).not.toContain('pg-decline');

    expect(await bot.click(BOB, preview, 'Confirm', { stale: true })).toBe(NOT_PENDING);
    expect(runsOn('pg-decline')).toEqual([]);
    expect((await bot.command(BOB, 'failover pg-decline', DEV)).shown).toMatch(/^Preparing a preview of `\/dev failover pg-decline`/);
  });

  it('with approvals: 2 the requester cannot approve their own action; another allowed user must', async () => {
    const ack = await bot.command(ALICE, 'failover pg-prod', PROD);
    expect(ack.shown).toMatch(/^Preparing a preview/);
    const preview = await bot.waitForPost(PROD, (v) => v.text.startsWith('Confirm /dev failover pg-prod in prod?'));
    expect(preview.posted.shown).toContain(`Needs 1 more approval from someone other than <@${ALICE}> (approvals: 2 in prod).`);

    expect(await bot.click(ALICE, preview, 'Confirm')).toBe('This needs approval from someone other than you (approvals: 2 in prod).');
    expect(await bot.click(CAROL, preview, 'Confirm')).toMatch(/^:no_entry: Only someone allowed to run `failover` here may confirm it/);
    expect(bot.updates(preview)).toEqual([]);
    expect(runsOn('pg-prod')).toEqual([]);

    const reply = await bot.click(BOB, preview, 'Confirm');
    expect(reply).toMatch(CONFIRMED);
    const closed = await bot.waitForUpdate(preview, (v) => v.buttons.length === 0);
    expect(closed.shown).toContain(`:white_check_mark: Confirmed by <@${BOB}>: running as job`);
    const progress = await bot.progressMessage(PROD, CONFIRMED.exec(reply)![1]!);
    expect(progress.posted.shown).toContain(`requested by <@${ALICE}>`);
    await bot.waitForUpdate(progress, (v) => v.text.includes(' — succeeded'));
    expect(runsOn('pg-prod')).toHaveLength(1);
  });

  it('--yes skips the preview only for a rule with allowYes, and never where approvals ≥ 2', async () => {
    const fast = await bot.command(DAVE, 'failover pg-fast --yes', DEV);
    expect(fast.shown).toMatch(/^Queued as job failover-[0-9a-f]{10}\.$/);
    const progress = await bot.progressMessage(DEV, fast.jobId!);
    await bot.waitForUpdate(progress, (v) => v.text.includes(' — succeeded'));
    expect(bot.fake.callsTo('chat.postMessage').some((c) => String(c.params['text']).includes('Confirm /dev failover pg-fast'))).toBe(false);

    const note = '(`--yes` is not allowed for you here, or this environment needs a second approver.)';
    const notAllowed = await bot.command(ALICE, 'failover pg-slow --yes', DEV);
    expect(notAllowed.shown).toMatch(/^Preparing a preview of `\/dev failover pg-slow --yes`/);
    expect(notAllowed.shown).toContain(note);
    await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-slow --yes in dev?'));

    const twoPeople = await bot.command(DAVE, 'failover pg-prod-fast --yes', PROD);
    expect(twoPeople.shown).toContain(note);
    const preview = await bot.waitForPost(PROD, (v) => v.text.startsWith('Confirm /dev failover pg-prod-fast --yes in prod?'));
    expect(await bot.click(DAVE, preview, 'Confirm')).toBe('This needs approval from someone other than you (approvals: 2 in prod).');
    expect(runsOn('pg-slow')).toEqual([]);
    expect(runsOn('pg-prod-fast')).toEqual([]);
  });

  it('a deploy to a protected environment needs confirmation (to an unprotected one it runs at once)', async () => {
    const ack = await bot.command(BOB, 'deploy gerrit', STAGING);
    expect(ack.shown).toBe('Preparing a preview of `/dev deploy gerrit`: confirm it in the channel within 1 min.');
    const preview = await bot.waitForPost(STAGING, (v) => v.text.startsWith('Confirm /dev deploy gerrit in staging?'));
    expect(preview.posted.shown).toContain('Deploy of gerrit to staging: runs the steps planned for gerrit.');
    const reply = await bot.click(BOB, preview, 'Confirm');
    expect(reply).toMatch(CONFIRMED);
    const progress = await bot.progressMessage(STAGING, CONFIRMED.exec(reply)![1]!);
    await bot.waitForUpdate(progress, (v) => v.text.includes(' — succeeded'));

    const unprotected = await bot.command(BOB, 'deploy gerrit', DEV);
    expect(unprotected.shown).toMatch(/^Queued as job deploy-[0-9a-f]{10}\.$/);
  });

  it('two Confirm clicks at the same moment start one job', async () => {
    await bot.command(ALICE, 'failover pg-double', DEV);
    const preview = await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-double in dev?'));
    const answers = await Promise.all([bot.click(ALICE, preview, 'Confirm'), bot.click(BOB, preview, 'Confirm')]);
    const confirmed = answers.filter((a) => CONFIRMED.test(a));
    expect(confirmed).toHaveLength(1);
    expect(answers.filter((a) => !CONFIRMED.test(a))[0]).toMatch(/^(Someone else answered this request first\.|This request is no longer pending)/);
    const progress = await bot.progressMessage(DEV, CONFIRMED.exec(confirmed[0]!)![1]!);
    await bot.waitForUpdate(progress, (v) => v.text.includes(' — succeeded'));
    expect(runsOn('pg-double')).toHaveLength(1);
  });
});

describe('jobs platform: an unanswered confirmation expires', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot({ confirmTimeoutMs: 1500 });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('says so on the preview, releases the lock, refuses a late Confirm and runs nothing', async () => {
    await bot.command(ALICE, 'failover pg-late', DEV);
    const preview = await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-late in dev?'));
    expect((await bot.command(BOB, 'locks', DEV)).shown).toContain('`database/pg-late@dev`');

    const expired = await bot.waitForUpdate(preview, (v) => v.buttons.length === 0);
    const at = bot.updates(preview).at(-1)!.receivedAt;
    expect(at - preview.postedAt).toBeGreaterThanOrEqual(1400);
    expect(expired.shown).toContain(':hourglass: Expired: nobody confirmed within 1.5 s. Nothing was done; run the command again if it is still needed.');

    expect((await bot.command(BOB, 'locks', DEV)).shown).not.toContain('pg-late');
    expect(await bot.click(ALICE, preview, 'Confirm', { stale: true })).toBe(NOT_PENDING);
    expect(bot.failover.runs).toEqual([]);
    const trail = (await bot.command(BOB, 'audit --target pg-late', DEV)).shown.split('\n').slice(1).map((l) => l.split(' · ')[1]);
    expect(trail).toEqual(['expired', 'confirm_requested', 'command']);
    expect((await bot.command(BOB, 'failover pg-late', DEV)).shown).toMatch(/^Preparing a preview of `\/dev failover pg-late`/);
  });

  it("a request to cancel someone else's job that expired can be asked again, and expires again on its own message", async () => {
    bot.deploy.plan('c-twice', { steps: ['long step'] });
    const ack = await bot.command(ALICE, 'deploy c-twice', DEV);
    await bot.deploy.reached('c-twice', 'long step');
    for (let round = 1; round <= 2; round++) {
      const after = Date.now();
      expect((await bot.command(BOB, `cancel ${ack.jobId}`, DEV)).shown).toMatch(/confirm the cancellation in the channel\.$/);
      const confirm = await bot.waitForPost(DEV, (v) => v.text.startsWith(`Confirm /dev cancel ${ack.jobId} in dev?`), { after });
      const expired = await bot.waitForUpdate(confirm, (v) => v.buttons.length === 0);
      expect(expired.shown).toContain(':hourglass: Expired: nobody confirmed within 1.5 s.');
    }
    expect(bot.deploy.runs.find((r) => r.jobId === ack.jobId)!.sawAbort).toBe(false);
    bot.deploy.open('c-twice', 'long step');
  });
});
