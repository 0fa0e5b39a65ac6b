/**
 * `/dev jobs [--all]` and `/dev cancel <job>`. The worker runs one job at a time here, so a second
 * job stays queued while the first waits on its gate. Cancel reaches a running job through its
 * AbortSignal; the job stops at a safe point and its message says "cancelled".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL, DAVE, DEV, PROD, startBot, type Bot } from './jobs-platform-bot.js';

const QUEUED = /^Queued as job (deploy-[0-9a-f]{10})\.$/;
const SIGNALLED = (jobId: string) => `Cancelling job \`${jobId}\`: it stops at its next safe point, and its message will say so.`;

describe('jobs platform: /dev jobs and /dev cancel', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot({ concurrency: 1 });
  });

  afterAll(async () => {
    await bot?.close();
  });

  const runOf = (jobId: string) => bot.deploy.runs.find((r) => r.jobId === jobId);

  it('lists queued and running jobs with id, kind, target, who, state and time; --all adds finished ones; bookkeeping jobs never show', async () => {
    // A confirmation leaves a finished preview job and a delayed expiry job behind: neither is listed.
    await bot.command(ALICE, 'failover pg-listed', DEV);
    await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-listed in dev?'));

    bot.deploy.plan('jobs-a', { steps: ['roll out'] });
    const a = await bot.command(ALICE, 'deploy jobs-a', DEV);
    await bot.deploy.reached('jobs-a', 'roll out');
    const b = await bot.command(BOB, 'deploy jobs-b', DEV);

    const listed = await bot.command(CAROL, 'jobs', DEV);
    const lines = listed.shown.split('\n');
    expect(lines[0]).toBe('*Queued and running jobs*');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^\`${b.jobId}\` · deploy jobs-b · <@${BOB}> · waiting · queued \\d+s ago$`)),
      expect.stringMatching(new RegExp(`^\`${a.jobId}\` · deploy jobs-a · <@${ALICE}> · active · \\d+s$`)),
    ]);

    bot.deploy.open('jobs-a', 'roll out');
    await bot.waitForUpdate(await bot.progressMessage(DEV, b.jobId!), (v) => v.text.includes(' — succeeded'));
    await bot.deps.queue.waitUntilFinished(b.jobId!, 5000);

    expect((await bot.command(CAROL, 'jobs', DEV)).shown).toBe('*Queued and running jobs*\nNothing queued or running. `/dev jobs --all` shows finished ones.');
    const all = (await bot.command(CAROL, 'jobs --all', DEV)).shown.split('\n');
    expect(all[0]).toBe('*Recent jobs*');
    expect(all.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^\`${b.jobId}\` · deploy jobs-b · <@${BOB}> · completed · \\d+s$`)),
      expect.stringMatching(new RegExp(`^\`${a.jobId}\` · deploy jobs-a · <@${ALICE}> · completed · \\d+s$`)),
    ]);
  });

  it('cancels your own running job: the signal reaches the step, the job stops, its message says cancelled, the lock goes', async () => {
    bot.deploy.plan('c-run', { steps: ['drain', 'switch', 'verify'] });
    const ack = await bot.command(ALICE, 'deploy c-run', DEV);
    const jobId = QUEUED.exec(ack.shown)![1]!;
    const msg = await bot.progressMessage(DEV, jobId);
    bot.deploy.open('c-run', 'drain');
    await bot.deploy.reached('c-run', 'switch');

    expect((await bot.command(ALICE, `cancel ${jobId}`, DEV)).shown).toBe(SIGNALLED(jobId));
    const final = await bot.waitForUpdate(msg, (v) => v.text.includes(' — cancelled'));
    expect(final.shown).toContain('*Deploy of c-run to dev* — :white_circle: Cancelled');
    expect(final.shown).toContain(`:white_check_mark: drain\n:x: switch — stopped: cancelled by ${ALICE}`);
    expect(final.shown).not.toContain('verify');
    expect(final.shown).toContain(`Cancelled (cancelled by ${ALICE}). It stopped at a safe point; the steps above are what was done.`);
    expect(final.buttons).toEqual([]);
    expect(runOf(jobId)).toMatchObject({ started: ['drain', 'switch'], finished: ['drain'], sawAbort: true });

    await bot.deps.queue.waitUntilFinished(jobId, 5000);
    expect((await bot.command(CAROL, 'locks', DEV)).shown).not.toContain('c-run');
    expect((await bot.command(CAROL, 'jobs --all', DEV)).shown).toMatch(new RegExp(`\`${jobId}\` · deploy c-run · <@${ALICE}> · cancelled · \\d+s`));
    expect((await bot.command(ALICE, `cancel ${jobId}`, DEV)).shown).toBe(`Job \`${jobId}\` has already finished (failed).`);
  });

  it('a step that cannot stop midway runs to its end, and the job stops before the next step', async () => {
    bot.deploy.plan('c-step', { steps: ['migrate', 'restart'], abortable: false });
    const ack = await bot.command(ALICE, 'deploy c-step', DEV);
    const jobId = ack.jobId!;
    const msg = await bot.progressMessage(DEV, jobId);
    await bot.deploy.reached('c-step', 'migrate');

    expect((await bot.command(ALICE, `cancel ${jobId}`, DEV)).shown).toBe(SIGNALLED(jobId));
    bot.deploy.open('c-step', 'migrate');
    const final = await bot.waitForUpdate(msg, (v) => v.text.includes(' — cancelled'));
    expect(final.shown).toContain(':white_check_mark: migrate');
    expect(final.shown).not.toContain('restart');
    expect(runOf(jobId)).toMatchObject({ started: ['migrate'], finished: ['migrate'], sawAbort: true });
  });

  it('cancels a queued job before it starts, and frees its target', async () => {
    bot.deploy.plan('c-block', { steps: ['hold'] });
    const blocking = await bot.command(ALICE, 'deploy c-block', DEV);
    await bot.deploy.reached('c-block', 'hold');
    const queued = await bot.command(BOB, 'deploy c-queued', DEV);
    expect((await bot.command(CAROL, 'locks', DEV)).shown).toContain('`service/c-queued@dev`');

    expect((await bot.command(BOB, `cancel ${queued.jobId}`, DEV)).shown).toBe(`Job \`${queued.jobId}\` was cancelled before it started.`);
    expect((await bot.command(CAROL, 'locks', DEV)).shown).not.toContain('c-queued');
    expect((await bot.command(CAROL, 'jobs', DEV)).shown).not.toContain(queued.jobId);

    bot.deploy.open('c-block', 'hold');
    await bot.waitForUpdate(await bot.progressMessage(DEV, blocking.jobId!), (v) => v.text.includes(' — succeeded'));
    await bot.deps.queue.waitUntilFinished(blocking.jobId!, 5000);
    expect(bot.deploy.runs.filter((r) => r.target === 'c-queued')).toEqual([]);
    expect((await bot.command(BOB, `deploy c-queued`, DEV)).shown).toMatch(QUEUED);
  });

  it("cancelling someone else's job needs a confirmation, which only a user allowed to cancel may give", async () => {
    bot.deploy.plan('c-other', { steps: ['long step'] });
    const ack = await bot.command(ALICE, 'deploy c-other', DEV);
    const jobId = ack.jobId!;
    const msg = await bot.progressMessage(DEV, jobId);
    await bot.deploy.reached('c-other', 'long step');

    const asked = await bot.command(BOB, `cancel ${jobId}`, DEV);
    expect(asked.shown).toMatch(new RegExp(`^Job \`${jobId}\` belongs to (?:<|&lt;)@${ALICE}(?:>|&gt;): confirm the cancellation in the channel\\.$`));
    const confirm = await bot.waitForPost(DEV, (v) => v.text.startsWith(`Confirm /dev cancel ${jobId} in dev?`));
    expect(confirm.posted.shown).toContain(`This cancels job \`${jobId}\` (\`/dev deploy c-other\`) of <@${ALICE}>, now active.`);
    expect(runOf(jobId)!.sawAbort).toBe(false);

    expect(await bot.click(CAROL, confirm, 'Confirm')).toMatch(/^:no_entry: Only someone allowed to run `cancel` here may confirm it/);
    expect(runOf(jobId)!.sawAbort).toBe(false);

    expect(await bot.click(BOB, confirm, 'Confirm')).toBe(SIGNALLED(jobId));
    const closed = await bot.waitForUpdate(confirm, (v) => v.buttons.length === 0);
    expect(closed.shown).toContain(`:white_check_mark: Confirmed by <@${BOB}>. ${SIGNALLED(jobId)}`);
    const final = await bot.waitForUpdate(msg, (v) => v.text.includes(' — cancelled'));
    expect(final.shown).toContain(`Cancelled (cancelled by ${BOB}).`);
    expect(final.shown).toContain(`requested by <@${ALICE}>`);
  });

  it("--yes cancels someone else's job at once where the rule allows it", async () => {
    bot.deploy.plan('c-yes', { steps: ['long step'] });
    const ack = await bot.command(ALICE, 'deploy c-yes', DEV);
    const msg = await bot.progressMessage(DEV, ack.jobId!);
    await bot.deploy.reached('c-yes', 'long step');
    expect((await bot.command(DAVE, `cancel ${ack.jobId} --yes`, DEV)).shown).toBe(SIGNALLED(ack.jobId!));
    const final = await bot.waitForUpdate(msg, (v) => v.text.includes(' — cancelled'));
    expect(final.shown).toContain(`Cancelled (cancelled by ${DAVE}).`);
    expect(bot.fake.callsTo('chat.postMessage').some((c) => String(c.params['text']).startsWith(`Confirm /dev cancel ${ack.jobId}`))).toBe(false);
  });

  it("cancelling someone else's job where approvals: 2 takes a second person, even with --yes", async () => {
    bot.failover.plan('pg-two', { steps: ['promote'] });
    await bot.command(ALICE, 'failover pg-two', PROD);
    const preview = await bot.waitForPost(PROD, (v) => v.text.startsWith('Confirm /dev failover pg-two in prod?'));
    const jobId = /running as job (failover-[0-9a-f]{10})/.exec(await bot.click(BOB, preview, 'Confirm'))![1]!;
    const msg = await bot.progressMessage(PROD, jobId);
    await bot.failover.reached('pg-two', 'promote');

    const asked = await bot.command(DAVE, `cancel ${jobId} --yes`, PROD);
    expect(asked.shown).toMatch(/confirm the cancellation in the channel\. \(`--yes` is not allowed for you here, or this environment needs a second approver\.\)$/);
    const confirm = await bot.waitForPost(PROD, (v) => v.text.startsWith(`Confirm /dev cancel ${jobId} --yes in prod?`));
    expect(confirm.posted.shown).toContain(`Needs 1 more approval from someone other than <@${DAVE}> (approvals: 2 in prod).`);
    expect(await bot.click(DAVE, confirm, 'Confirm')).toBe('This needs approval from someone other than you (approvals: 2 in prod).');
    expect(bot.failover.runs.find((r) => r.jobId === jobId)!.sawAbort).toBe(false);

    expect(await bot.click(ALICE, confirm, 'Confirm')).toBe(SIGNALLED(jobId));
    const final = await bot.waitForUpdate(msg, (v) => v.text.includes(' — cancelled'));
    expect(final.shown).toContain(`Cancelled (cancelled by ${ALICE}).`);
  });

  it('says so when the job does not exist', async () => {
    expect((await bot.command(ALICE, 'cancel deploy-0000000000', DEV)).shown).toBe('There is no job `deploy-0000000000`. `/dev jobs` lists the current ones.');
  });
});
