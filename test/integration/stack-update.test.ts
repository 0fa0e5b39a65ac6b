import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventLines, liveTemplate, startStackBot, type StackBot } from './stack-harness.js';

const ASG = 'AWS::AutoScaling::AutoScalingGroup';
const STACK = 'AWS::CloudFormation::Stack';

describe('/dev stack update through the platform (CloudFormation: stateful fake behind the real adapter)', () => {
  let bot: StackBot;

  beforeAll(async () => {
    bot = await startStackBot();
  });
  afterAll(async () => {
    await bot?.close();
  });
  beforeEach(() => {
    bot.cfn.stacks.clear();
    bot.cfn.calls.length = 0;
  });

  it('previews the change set, waits for Confirm, executes that very change set and streams one line per resource transition', async () => {
    bot.cfn.seedStack('devbot-prod', liveTemplate(2));
    const ack = await bot.run('stack update');
    expect(ack.text).toMatch(/^Preparing a preview of `\/dev stack update`: confirm it in the channel/);
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 20_000);

    const preview = (await bot.events()).find((e) => e.buttons?.some((b) => b.label === 'Confirm'));
    expect(preview?.text).toContain('Update stack devbot-prod (prod, eu-west-1)?');
    expect(preview?.text).toContain('1 change: 1 to modify.');
    expect(preview?.text).toContain(`~ WorkerGroup  ${ASG}  Modify: DesiredCapacity`);
    const runJobId = ack.jobId!.replace(/-preview$/, '');
    expect([...bot.cfn.stacks.get('devbot-prod')!.changeSets.keys()]).toEqual([`devbot-${runJobId}`]);
    // One operation per stack: a second request is refused while the first awaits confirmation.
    expect((await bot.run('stack diff')).text).toMatch(/^:lock: `stack@prod` is busy: <@alice> holds it/);

    expect(await bot.confirm(ack.jobId!)).toBe(`Confirmed: running as job ${runJobId}.`);
    const result = await bot.finish(runJobId);
    expect(result?.outcome).toBe('succeeded');
    expect(result?.summary).toMatch(/^devbot-prod: UPDATE_COMPLETE in \d+ s \(1 resource changed\)\.$/);

    expect(bot.cfn.calls.filter((c) => c === 'CreateChangeSet' || c === 'ExecuteChangeSet')).toEqual(['CreateChangeSet', 'ExecuteChangeSet']);
    const thread = await bot.threadOf(runJobId);
    expect(eventLines(thread)).toEqual([
      `devbot-prod (${STACK}) UPDATE_IN_PROGRESS — User Initiated`,
      `WorkerGroup (${ASG}) UPDATE_IN_PROGRESS`,
      `WorkerGroup (${ASG}) UPDATE_COMPLETE`,
      `devbot-prod (${STACK}) UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`,
      `devbot-prod (${STACK}) UPDATE_COMPLETE`,
    ]);
    expect(thread).toContain(`~ WorkerGroup  ${ASG}  Modify: DesiredCapacity`);
    expect(bot.cfn.stacks.get('devbot-prod')!.status).toBe('UPDATE_COMPLETE');
  });

  it('reports a failed update plainly: rolled back, and the first failure with its reason', async () => {
    bot.cfn.seedStack('devbot-prod', liveTemplate(2));
    bot.cfn.failNext('WorkerGroup', 'You have requested more vCPU capacity than your current vCPU limit of 32 allows.');
    const ack = await bot.run('stack update --yes');
    const result = await bot.finish(ack.jobId!);
    expect(result).toEqual({
      outcome: 'failed',
      summary: `The update failed and was rolled back (UPDATE_ROLLBACK_COMPLETE). First failure: WorkerGroup (${ASG}) UPDATE_FAILED: You have requested more vCPU capacity than your current vCPU limit of 32 allows. devbot-prod is back as it was before the update; fix the cause and update again.`,
      endedAt: expect.any(String),
    });
    expect(eventLines(await bot.threadOf(ack.jobId!))).toEqual([
      `devbot-prod (${STACK}) UPDATE_IN_PROGRESS — User Initiated`,
      `WorkerGroup (${ASG}) UPDATE_IN_PROGRESS`,
      `WorkerGroup (${ASG}) UPDATE_FAILED — You have requested more vCPU capacity than your current vCPU limit of 32 allows.`,
      `devbot-prod (${STACK}) UPDATE_ROLLBACK_IN_PROGRESS — The following resource(s) failed to update: [WorkerGroup].`,
      `devbot-prod (${STACK}) UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`,
      `devbot-prod (${STACK}) UPDATE_ROLLBACK_COMPLETE`,
    ]);
  });

  it('ends cleanly when there is nothing to change, and leaves no change set behind', async () => {
    bot.cfn.seedStack('devbot-prod', liveTemplate(3));
    const ack = await bot.run('stack update --yes');
    expect(await bot.finish(ack.jobId!)).toMatchObject({ outcome: 'succeeded', summary: 'No changes: devbot-prod already matches the template.' });
    expect(bot.cfn.calls).not.toContain('ExecuteChangeSet');
    expect(bot.cfn.stacks.get('devbot-prod')!.changeSets.size).toBe(0);
  });

  it('/dev cancel during the update sends CancelUpdateStack and follows the rollback to its end', async () => {
    bot.cfn.seedStack('devbot-prod', liveTemplate(2));
    bot.cfn.pauseAfter(1); // the stack and WorkerGroup go IN_PROGRESS, then it hangs there
    const ack = await bot.run('stack update --yes');
    await expect.poll(() => bot.cfn.stacks.get('devbot-prod')!.events.some((e) => e.LogicalResourceId === 'WorkerGroup'), { timeout: 10_000 }).toBe(true);
    expect((await bot.run(`cancel ${ack.jobId}`)).text).toMatch(/signal|stop|cancel/i);
    await expect.poll(() => bot.cfn.calls.includes('CancelUpdateStack'), { timeout: 10_000 }).toBe(true);
    bot.cfn.resume();

    const result = await bot.finish(ack.jobId!);
    expect(result?.outcome).toBe('cancelled');
    const thread = await bot.threadOf(ack.jobId!);
    expect(thread).toContain('Cancel requested: CancelUpdateStack sent; CloudFormation rolls devbot-prod back. devbot follows the rollback to its end.');
    expect(thread).toContain('Cancelled: CloudFormation rolled the update back: devbot-prod is UPDATE_ROLLBACK_COMPLETE.');
    expect(eventLines(thread).slice(-4)).toEqual([
      `WorkerGroup (${ASG}) UPDATE_FAILED — Resource update cancelled`,
      `devbot-prod (${STACK}) UPDATE_ROLLBACK_IN_PROGRESS — Stack update cancelled`,
      `devbot-prod (${STACK}) UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`,
      `devbot-prod (${STACK}) UPDATE_ROLLBACK_COMPLETE`,
    ]);
  });

  it('refuses an update of a stack that is busy, saying why', async () => {
    bot.cfn.seedStack('devbot-prod', liveTemplate(2), 'UPDATE_IN_PROGRESS');
    const ack = await bot.run('stack update --yes');
    expect(await bot.finish(ack.jobId!)).toMatchObject({ outcome: 'failed', summary: expect.stringMatching(/^Stack devbot-prod is busy \(UPDATE_IN_PROGRESS\): another operation is running\./) });
    expect(bot.cfn.calls).not.toContain('CreateChangeSet');
  });
});
