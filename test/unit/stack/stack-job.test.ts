import { describe, expect, it } from 'vitest';
import { createAwsStacks } from '../../../src/adapters/aws/aws-stacks.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Progress } from '../../../src/jobs/progress-reporter.js';
import { runApply } from '../../../src/jobs/stack/run-apply.js';
import { setupStack } from '../../../src/jobs/stack/stack-setup.js';
import { buildClusterTemplate } from '../../../src/stack/cluster-template.js';
import { createFakeCloudFormation } from '../../fakes/fake-cloudformation.js';
import { awsConfig, MINIMAL_AWS } from './aws-fixture.js';

/** Progress that records, and skips steps an earlier attempt finished (as the real one does on resume). */
function recordingProgress(doneEarlier: string[] = []) {
  const lines: string[] = [];
  const steps: string[] = [];
  let result: { outcome: string; summary: string } | undefined;
  const progress: Progress = {
    async step(name, fn) {
      if (doneEarlier.includes(name)) return undefined;
      steps.push(name);
      return fn();
    },
    log: (line) => void lines.push(line),
    finish: async (outcome, summary) => void (result = { outcome, summary }),
  };
  return { progress, lines, steps, result: () => result };
}

function setup(extra: Record<string, unknown> = {}) {
  const cfn = createFakeCloudFormation();
  const config = loadConfig({ documents: [`environments:\n  prod:\n    etcd: { endpoints: [http://127.0.0.1:2379] }\n    aws: ${JSON.stringify({ ...MINIMAL_AWS, pollIntervalMs: 1, ...extra })}\n`] });
  const s = setupStack('prod', { config, stacksFor: () => createAwsStacks(cfn.client, { sleep: async () => {}, random: () => 0 }) });
  return { cfn, s };
}

describe('the stack job, step by step', () => {
  it('a run resumed after its worker died follows the executed change set instead of executing it again', async () => {
    const { cfn, s } = setup();
    cfn.seedStack('devbot-prod', buildClusterTemplate('prod', awsConfig({ groups: { worker: { desired: 1 } } })));
    const first = recordingProgress();
    cfn.pauseAfter(0);
    // First attempt: the worker "dies" (its signal aborts nothing; we just stop) once the change set runs.
    const abandoned = runApply('update', s, 'devbot-stack-1', { progress: first.progress, signal: new AbortController().signal });
    await expect.poll(() => cfn.calls.includes('ExecuteChangeSet')).toBe(true);
    const second = recordingProgress(['Prepare change set devbot-stack-1']);
    const resumed = runApply('update', s, 'devbot-stack-1', { progress: second.progress, signal: new AbortController().signal });
    cfn.resume();
    await Promise.all([abandoned, resumed]);
    expect(cfn.calls.filter((c) => c === 'ExecuteChangeSet')).toHaveLength(1);
    expect(second.steps).toEqual(['Execute devbot-stack-1 and follow the stack']);
    expect(second.result()?.summary).toMatch(/^devbot-prod: UPDATE_COMPLETE in \d+ s \(1 resource changed\)\.$/);
  });

  it('--yes (no preview): makes the change set, logs its changes, and refuses a create of a stack that exists', async () => {
    const { cfn, s } = setup();
    cfn.seedStack('devbot-prod', buildClusterTemplate('prod', awsConfig({ groups: { worker: { desired: 1 } } })));
    const run = recordingProgress();
    await runApply('update', s, 'devbot-stack-2', { progress: run.progress, signal: new AbortController().signal });
    expect(run.lines.slice(0, 2)).toEqual(['1 change: 1 to modify:', '~ WorkerGroup  AWS::AutoScaling::AutoScalingGroup  Modify: DesiredCapacity']);
    await expect(runApply('create', s, 'devbot-stack-3', { progress: recordingProgress().progress, signal: new AbortController().signal }))
      .rejects.toThrow('Stack devbot-prod already exists (UPDATE_COMPLETE): use `/dev stack update`, or `/dev stack diff` to see what it would change.');
  });

  it('a change set CloudFormation rejects is deleted and its reason reported; nothing runs', async () => {
    const { cfn, s } = setup();
    cfn.seedStack('devbot-prod', buildClusterTemplate('prod', awsConfig()));
    await expect(runApply('update', { ...s, body: '{"Description":"no resources"}' }, 'devbot-stack-4', { progress: recordingProgress().progress, signal: new AbortController().signal }))
      .rejects.toThrow('CloudFormation refused while creating change set devbot-stack-4 of devbot-prod: Template format error: At least one Resources member must be defined.');
    expect(cfn.calls).not.toContain('ExecuteChangeSet');
  });

  it('cancelled while the change set is being made: deletes it and stops, nothing executed', async () => {
    const { cfn, s } = setup({ pollIntervalMs: 50 });
    cfn.seedStack('devbot-prod', buildClusterTemplate('prod', awsConfig({ groups: { worker: { desired: 1 } } })));
    const controller = new AbortController();
    const run = runApply('update', s, 'devbot-stack-5', { progress: recordingProgress().progress, signal: controller.signal });
    await expect.poll(() => cfn.calls.includes('DescribeChangeSet')).toBe(true);
    controller.abort('cancelled by alice');
    await expect(run).rejects.toBe('cancelled by alice');
    expect(cfn.calls).toContain('DeleteChangeSet');
    expect(cfn.calls).not.toContain('ExecuteChangeSet');
    expect(cfn.stacks.get('devbot-prod')!.changeSets.size).toBe(0);
  });
});
