/**
 * The audit trail: every command, ACL decision, confirmation, approval and job start / finish /
 * failure / cancellation is appended to a Redis stream; `/dev audit [--user U] [--target T]` shows
 * the latest, newest first.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALICE, BOB, CAROL, DAVE, DEV, PROD, startBot, type Bot } from './jobs-platform-bot.js';

const STAMP = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';

describe('jobs platform: the audit trail', () => {
  let bot: Bot;
  let redis: Redis;

  beforeAll(async () => {
    bot = await startBot();
    redis = new Redis(inject('redisUrl'));
  });

  afterAll(async () => {
    redis?.disconnect();
    await bot?.close();
  });

  /** `/dev audit …` as Bob: the entries shown, newest first (its own title line left out). */
  async function audit(args: string): Promise<{ title: string; lines: string[]; events: string[] }> {
    const [title = '', ...lines] = (await bot.command(BOB, `audit ${args}`, DEV)).shown.split('\n');
    return { title, lines, events: lines.map((l) => l.split(' · ')[1] ?? '') };
  }

  it('records a dangerous command from the denial to the finished job; --target shows it newest first', async () => {
    expect((await bot.command(CAROL, 'failover pg-audit', PROD)).shown).toMatch(/^:no_entry:/);
    await bot.command(ALICE, 'failover pg-audit', PROD);
    const preview = await bot.waitForPost(PROD, (v) => v.text.startsWith('Confirm /dev failover pg-audit in prod?'));
    expect(await bot.click(CAROL, preview, 'Confirm')).toMatch(/^:no_entry:/);
    const reply = await bot.click(BOB, preview, 'Confirm');
    const jobId = /job (failover-[0-9a-f]{10})/.exec(reply)![1]!;
    await bot.waitForUpdate(await bot.progressMessage(PROD, jobId), (v) => v.text.includes(' — succeeded'));
    await bot.deps.queue.waitUntilFinished(jobId, 5000);

    const { title, lines, events } = await audit('--target pg-audit');
    expect(title).toBe('*Audit trail (target pg-audit), latest first*');
    expect(events).toEqual(['job_finished', 'job_started', 'confirmed', 'approved', 'denied', 'confirm_requested', 'command', 'denied']);
    const cmd = '`/dev failover pg-audit`';
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${STAMP} · job_finished · <@${ALICE}> in #prod-ops · ${cmd} · job ${jobId} · succeeded$`)),
      expect.stringMatching(new RegExp(`^${STAMP} · job_started · <@${ALICE}> in #prod-ops · ${cmd} · job ${jobId}$`)),
      expect.stringMatching(new RegExp(`^${STAMP} · confirmed · <@${BOB}> in #prod-ops · ${cmd} · job ${jobId}$`)),
      expect.stringMatching(new RegExp(`^${STAMP} · approved · <@${BOB}> in #prod-ops · ${cmd} · job ${jobId}$`)),
      expect.stringMatching(new RegExp(`^${STAMP} · denied · <@${CAROL}> in #prod-ops · ${cmd} · denied · job ${jobId} · confirm refused: `)),
      expect.stringMatching(new RegExp(`^${STAMP} · confirm_requested · <@${ALICE}> in #prod-ops · ${cmd} · job ${jobId}$`)),
      expect.stringMatching(new RegExp(`^${STAMP} · command · <@${ALICE}> in #prod-ops · ${cmd} · allowed · rule oncall$`)),
      expect.stringMatching(new RegExp(`^${STAMP} · denied · <@${CAROL}> in #prod-ops · ${cmd} · denied$`)),
    ]);
  });

  it('records failures, cancellations and declined requests', async () => {
    bot.deploy.plan('au-fail', { steps: ['restart'], pace: 0, failAt: 'restart', failWith: 'au-fail@1.service exited 1' });
    const failed = await bot.command(ALICE, 'deploy au-fail', DEV);
    await bot.waitForUpdate(await bot.progressMessage(DEV, failed.jobId!), (v) => v.text.includes(' — failed'));
    await bot.deps.queue.waitUntilFinished(failed.jobId!, 5000);
    const failures = await audit('--target au-fail');
    expect(failures.events).toEqual(['job_failed', 'job_started', 'command']);
    expect(failures.lines[0]).toMatch(new RegExp(`· job ${failed.jobId} · au-fail@1\\.service exited 1$`));

    bot.deploy.plan('au-cancel', { steps: ['long step'] });
    const running = await bot.command(ALICE, 'deploy au-cancel', DEV);
    await bot.deploy.reached('au-cancel', 'long step');
    await bot.command(ALICE, `cancel ${running.jobId}`, DEV);
    await bot.waitForUpdate(await bot.progressMessage(DEV, running.jobId!), (v) => v.text.includes(' — cancelled'));
    await bot.deps.queue.waitUntilFinished(running.jobId!, 5000);
    const cancelled = await audit('--target au-cancel');
    expect(cancelled.events).toEqual(['job_cancelled', 'job_started', 'command']);
    expect(cancelled.lines[0]).toMatch(new RegExp(`· job ${running.jobId} · cancelled by ${ALICE}$`));
    // The cancel command itself is audited under the job it names.
    expect((await audit(`--target ${running.jobId}`)).events).toEqual(['command']);

    await bot.command(ALICE, 'failover pg-declined', DEV);
    const preview = await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-declined in dev?'));
    await bot.click(ALICE, preview, 'Cancel');
    expect((await audit('--target pg-declined')).events).toEqual(['declined', 'confirm_requested', 'command']);
  });

  it('--user shows one person’s entries only', async () => {
    expect((await bot.command(DAVE, 'stack update', DEV)).shown).toMatch(/^:no_entry: `stack` is not allowed for you anywhere/);
    const { title, lines } = await audit(`--user ${DAVE}`);
    expect(title).toBe(`*Audit trail (user ${DAVE}), latest first*`);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${STAMP} · denied · <@${DAVE}> in #dev-ops · \`/dev stack update\` · denied$`))]);
  });

  it('appends to a Redis stream under the configured prefix', async () => {
    const key = `${bot.prefix}:audit`;
    expect(await redis.type(key)).toBe('stream');
    const before = await redis.xlen(key);
    await bot.command(ALICE, 'locks', DEV);
    expect(await redis.xlen(key)).toBe(before + 1);
    const [[, fields] = ['', []]] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    expect(JSON.parse(fields[1] ?? '{}')).toMatchObject({ event: 'command', user: ALICE, channel: 'dev-ops', text: 'locks', decision: 'allowed', rule: 'oncall' });
  });
});
