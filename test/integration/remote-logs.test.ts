import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRemoteBot, type RemoteBot } from './remote-harness.js';

let bot: RemoteBot;
beforeAll(async () => {
  bot = await startRemoteBot();
});
afterAll(() => bot?.close());

describe('/dev logs over SSH', () => {
  it("posts a unit's journal from the machine fleet placed it on, in the job's thread", async () => {
    const result = await bot.runToEnd('logs web@2 --lines 20 --since 10m');
    expect(result.outcome).toBe('succeeded');
    expect(result.summary).toMatch(/Journal of web@2\.service on .* \(127\.0\.0\.3\): 20 lines in the thread/);
    const thread = await bot.threadOf(result.jobId);
    expect(thread).toContain('args: -u web@2.service -n 20 --since -10min --no-pager -o short-iso');
    expect(thread).toContain('127.0.0.3 web@2.service: line 20');
  });

  it('reads a template unit from its first active instance', async () => {
    const result = await bot.runToEnd('logs web --lines 5');
    expect(result.summary).toMatch(/Journal of web@1\.service .*127\.0\.0\.2/);
  });

  it('scrubs tokens and the catalog secrets out of the lines', async () => {
    const result = await bot.runToEnd('logs web@1 --lines 5');
    const thread = await bot.threadOf(result.jobId);
    expect(thread).toContain('using [redacted] and DB_PASSWORD=[redacted]');
    expect(thread).not.toMatch(/xoxb-|hunter2/);
  });

  it('posts 1,000 lines as a file, scrubbed, not as messages', async () => {
    const result = await bot.runToEnd('logs web@1 --lines 1000');
    expect(result.summary).toMatch(/1000 lines, posted as web@1\.service\.log/);
    const upload = bot.uploads.at(-1)!;
    expect(upload.filename).toBe('web@1.service.log');
    expect(upload.threadTs).toBe((await bot.deps.jobState.load(result.jobId))?.message?.ts);
    expect(upload.threadTs).toBeTruthy();
    expect(upload.content.split('\n')).toHaveLength(1000);
    expect(upload.content).not.toMatch(/xoxb-|hunter2/);
    expect(await bot.threadOf(result.jobId)).not.toContain('line 999');
  });

  it('says so when fleet reports the unit nowhere', async () => {
    const result = await bot.runToEnd('logs nosuch');
    expect(result.outcome).toBe('failed');
    expect(result.summary).toMatch(/fleet does not report nosuch\.service on any machine/);
  });
});
