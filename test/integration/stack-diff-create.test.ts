import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GroupView, Groups } from '../../src/ports/groups.js';
import { eventLines, liveTemplate, startStackBot, type StackBot } from './stack-harness.js';

const ASG = 'AWS::AutoScaling::AutoScalingGroup';

describe('/dev stack diff and create, and the stack in /dev status, through the platform', () => {
  let bot: StackBot;
  const groups: GroupView[] = [];
  const fakeGroups: Groups = { listForStack: async () => groups, recentActivities: async () => [] };

  beforeAll(async () => {
    bot = await startStackBot(fakeGroups);
  });
  afterAll(async () => {
    await bot?.close();
  });
  beforeEach(() => {
    bot.cfn.stacks.clear();
    bot.cfn.calls.length = 0;
  });

  it('diff: renders the changes from a change set against the live stack, then deletes the change set', async () => {
    bot.cfn.seedStack('devbot-prod', liveTemplate(2));
    bot.cfn.replacements['WorkerGroup'] = 'Conditional';
    try {
      const ack = await bot.run('stack diff');
      expect(ack.text).toMatch(/^Queued as job stack-/);
      const result = await bot.finish(ack.jobId!);
      expect(result).toMatchObject({ outcome: 'succeeded', summary: 'devbot-prod: 1 change: 1 to modify (1 maybe replaced).' });
      const final = (await bot.events()).filter((e) => e.type === 'update').at(-1)!;
      expect(final.text).toContain('Stack diff: devbot-prod (prod)');
      expect(final.text).toContain(`~ WorkerGroup  ${ASG}  Modify, may be replaced: DesiredCapacity`);
      expect(final.text).toContain('The change set was deleted: nothing was changed.');
      expect(bot.cfn.calls.filter((c) => /ChangeSet$/.test(c) && c !== 'DescribeChangeSet')).toEqual(['CreateChangeSet', 'DeleteChangeSet']);
      expect(bot.cfn.stacks.get('devbot-prod')!.changeSets.size).toBe(0);
    } finally {
      delete bot.cfn.replacements['WorkerGroup'];
    }
  });

  it('diff: says the stack does not exist yet, without making anything', async () => {
    const ack = await bot.run('stack diff');
    expect(await bot.finish(ack.jobId!)).toMatchObject({ outcome: 'succeeded', summary: 'Stack devbot-prod does not exist yet: `/dev stack create` would add 33 resources.' });
    expect(bot.cfn.calls).toEqual(['DescribeStacks']);
  });

  it('create: the preview lists what will be made without leaving an empty stack behind; Confirm creates it', async () => {
    const ack = await bot.run('stack create');
    await bot.deps.queue.waitUntilFinished(ack.jobId!, 20_000);
    const preview = (await bot.events()).find((e) => e.buttons?.some((b) => b.label === 'Confirm'));
    expect(preview?.text).toContain('Create stack devbot-prod (prod, eu-west-1)?');
    expect(preview?.text).toContain('33 changes: 33 to add: main 3 nodes, workers 3 (0–6), data 0.');
    expect(preview?.text).toContain(`+ MainGroup  ${ASG}  Add`);
    expect(bot.cfn.stacks.size).toBe(0);

    const runJobId = ack.jobId!.replace(/-preview$/, '');
    await bot.confirm(ack.jobId!);
    const result = await bot.finish(runJobId);
    expect(result?.summary).toMatch(/^devbot-prod: CREATE_COMPLETE in \d+ s \(33 resources changed\)\.$/);
    const lines = eventLines(await bot.threadOf(runJobId));
    expect(lines).toHaveLength(2 + 33 * 2);
    expect(lines.filter((l) => l.startsWith('MainGroup '))).toEqual([`MainGroup (${ASG}) CREATE_IN_PROGRESS`, `MainGroup (${ASG}) CREATE_COMPLETE`]);
  });

  it('create: a failure is reported with CREATE_FAILED and its reason, and what the stack allows now', async () => {
    bot.cfn.failNext('MainGroup', 'The requested configuration is currently not supported. Launching EC2 instance failed.');
    const ack = await bot.run('stack create --yes');
    const result = await bot.finish(ack.jobId!);
    expect(result?.outcome).toBe('failed');
    expect(result?.summary).toBe(
      `The creation failed and was rolled back (ROLLBACK_COMPLETE). First failure: MainGroup (${ASG}) CREATE_FAILED: The requested configuration is currently not supported. Launching EC2 instance failed. CloudFormation only allows deleting devbot-prod now: delete it, fix the cause, then \`/dev stack create\` again.`,
    );
    expect(eventLines(await bot.threadOf(ack.jobId!)).at(-1)).toBe('devbot-prod (AWS::CloudFormation::Stack) ROLLBACK_COMPLETE');
    // And an update is refused from there, saying what to do.
    const update = await bot.run('stack update --yes');
    expect((await bot.finish(update.jobId!))?.summary).toMatch(/^Stack devbot-prod is in ROLLBACK_COMPLETE: its creation failed, and CloudFormation only allows deleting it now\./);
  });

  it('says plainly that AWS is not configured, and how, where the environment has no aws section', async () => {
    const ack = await bot.run('stack diff', 'bare');
    const result = await bot.finish(ack.jobId!);
    expect(result?.outcome).toBe('failed');
    expect(result?.summary).toMatch(/^AWS is not configured for bare: add `environments\.bare\.aws` to the config \(imageId and sshCidr; the rest has defaults\)\. devbot uses the AWS SDK’s default credentials/);
    expect(bot.cfn.calls).toEqual([]);
  });

  it('/dev status shows the stack and its groups', async () => {
    bot.cfn.seedStack('devbot-prod', liveTemplate(3));
    groups.splice(0, groups.length, { name: 'devbot-prod-MainGroup-1', logicalId: 'MainGroup', desired: 3, min: 3, max: 3, inService: 3, unhealthy: 0, other: 0 });
    const ack = await bot.run('status');
    await bot.finish(ack.jobId!);
    // The report is the job's message: posted once when ready within a second, else updated to.
    const report = (await bot.events()).filter((e) => (e.type === 'update' || e.type === 'post') && e.text.includes('Status of')).at(-1)!.text;
    expect(report).toContain('[OK] stack: devbot-prod CREATE_COMPLETE, 1 autoscaling group');
    expect(report).toContain('[OK] main: desired 3 (min 3, max 3): 3 in service, 0 unhealthy');
  });
});
