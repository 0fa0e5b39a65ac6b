/**
 * The console and two-person approval. The console's `--as` is not checked by anyone, so where an
 * environment needs two approvals (prod here) a console request or a console approval does not
 * count unless `environments.<env>.consoleApprovals: true`; the refusal says why. Every audit entry
 * records the transport it came through, and `/dev audit` marks what was done through the console.
 *
 * Slack requests and clicks arrive signed into the real receiver; the console side is the real
 * console session (script mode), or handleAction called as the console session calls it.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsoleSession } from '../../src/adapters/console/console-session.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { ALICE, BOB, PROD, startBot, type Bot, type SlackMessage } from './jobs-platform-bot.js';

const CONFIRMED = /^Confirmed: running as job (failover-[0-9a-f]{10})\.$/;
const CONSOLE_REFUSED =
  "prod needs 2 approvals from people signed in to Slack, and the console's identity (--as) is not checked by Slack, so it does not count here. " +
  'Use /dev in Slack, or an admin sets environments.prod.consoleApprovals: true.';

/** Runs `lines` through a real console session as `user` in the prod channel (`--in prod-ops`). */
async function consoleScript(bot: Bot, user: string, lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  input.end(lines.map((l) => `${l}\n`).join(''));
  const { deps } = bot;
  await runConsoleSession({
    redisUrl: deps.config.redis.url, prefix: deps.config.redis.prefix, user, channel: PROD.name, queue: deps.queue,
    handleCommand: (i) => handleCommand(i, deps), handleAction: (i) => handleAction(i, deps), input, output, interactive: false, jobTimeoutMs: 10_000,
  });
  return printed;
}

/** Answers a confirmation the way the console session does when its user types "yes". */
function consoleConfirm(bot: Bot, user: string, preview: SlackMessage) {
  const value = preview.posted.buttons.find((b) => b.label === 'Confirm')!.value;
  return handleAction({ action: 'confirm', value, user, channel: PROD.name, channelName: PROD.name, transport: { kind: 'console', session: 'second-console' }, requestId: `console-${value}` }, bot.deps);
}

describe('console approvals where two people must agree', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it("a console approval does not count towards approvals: 2; a Slack user's click does", async () => {
    await bot.command(ALICE, 'failover pg-two-consoles', PROD);
    const preview = await bot.waitForPost(PROD, (v) => v.text.startsWith('Confirm /dev failover pg-two-consoles in prod?'));

    const reply = await consoleConfirm(bot, BOB, preview);
    expect(reply).toEqual({ text: `:no_entry: ${CONSOLE_REFUSED}`, outcome: 'denied' });
    expect(bot.updates(preview)).toEqual([]);
    expect(bot.failover.runs.filter((r) => r.target === 'pg-two-consoles')).toEqual([]);
    const [refusal] = await bot.deps.audit.latest({ user: BOB, target: 'pg-two-consoles', limit: 1 });
    expect(refusal).toMatchObject({ event: 'denied', transport: 'console', outcome: `confirm refused: ${CONSOLE_REFUSED}` });

    expect(await bot.click(BOB, preview, 'Confirm')).toMatch(CONFIRMED);
  });

  it('a console request there is refused at once, saying why; nothing is previewed and the lock is free', async () => {
    const printed = await consoleScript(bot, ALICE, ['/dev failover pg-console']);
    expect(printed).toContain(`:no_entry: ${CONSOLE_REFUSED}`);
    expect(printed).not.toContain('Preparing a preview');
    expect((await bot.command(BOB, 'locks', PROD)).shown).not.toContain('pg-console');
  });

  it('records the transport of every entry and marks console ones in /dev audit', async () => {
    await consoleScript(bot, ALICE, ['/dev failover pg-audit-console']);
    await bot.command(ALICE, 'failover pg-audit-slack', PROD);
    await bot.waitForPost(PROD, (v) => v.text.startsWith('Confirm /dev failover pg-audit-slack in prod?'));

    const byConsole = await bot.deps.audit.latest({ target: 'pg-audit-console', limit: 10 });
    expect(byConsole.map((e) => [e.event, e.transport])).toEqual([['denied', 'console'], ['command', 'console']]);
    const bySlack = await bot.deps.audit.latest({ target: 'pg-audit-slack', limit: 10 });
    expect(bySlack.map((e) => [e.event, e.transport])).toEqual([['confirm_requested', 'slack'], ['command', 'slack']]);

    const shown = (await bot.command(BOB, 'audit --target pg-audit-console', PROD)).shown;
    expect(shown).toContain(`· command · <@${ALICE}> in #prod-ops via console · \`/dev failover pg-audit-console\` · allowed · rule oncall`);
    const slackShown = (await bot.command(BOB, 'audit --target pg-audit-slack', PROD)).shown;
    expect(slackShown).toContain(`· command · <@${ALICE}> in #prod-ops · \`/dev failover pg-audit-slack\``);
    expect(slackShown).not.toContain('via console');
  });
});

describe('console approvals allowed by config', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot({ config: 'environments:\n  prod: { consoleApprovals: true }' });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('with consoleApprovals: true a console approval counts as it did', async () => {
    await bot.command(ALICE, 'failover pg-console-ok', PROD);
    const preview = await bot.waitForPost(PROD, (v) => v.text.startsWith('Confirm /dev failover pg-console-ok in prod?'));
    expect((await consoleConfirm(bot, BOB, preview)).text).toMatch(CONFIRMED);
  });
});
