import { describe, expect, it } from 'vitest';
import type { ResourceChange, StackEvent } from '../../../src/ports/stacks.js';
import { describeChange, renderStackChanges, summarizeChanges } from '../../../src/render/stack-changes.js';
import { describeEvent, describeFailure, firstFailure, formatDuration } from '../../../src/render/stack-events.js';

const change = (c: Partial<ResourceChange> & Pick<ResourceChange, 'action' | 'logicalId'>): ResourceChange => ({ resourceType: 'AWS::EC2::SecurityGroup', scope: [], properties: [], ...c });
const event = (logicalId: string, status: string, reason?: string, resourceType = 'AWS::AutoScaling::AutoScalingGroup'): StackEvent => ({ id: `${logicalId}-${status}`, timestamp: new Date('2026-11-20T14:02:11Z'), logicalId, resourceType, status, ...(reason ? { reason } : {}) });

describe('rendering stack changes', () => {
  const changes = [
    change({ action: 'Add', logicalId: 'NatGateway', resourceType: 'AWS::EC2::NatGateway' }),
    change({ action: 'Modify', logicalId: 'WorkerGroup', resourceType: 'AWS::AutoScaling::AutoScalingGroup', replacement: 'False', scope: ['Properties'], properties: ['DesiredCapacity'] }),
    change({ action: 'Modify', logicalId: 'MainLaunchTemplate', resourceType: 'AWS::EC2::LaunchTemplate', replacement: 'True', scope: ['Properties'], properties: ['LaunchTemplateData'] }),
    change({ action: 'Modify', logicalId: 'MainGroup', resourceType: 'AWS::AutoScaling::AutoScalingGroup', replacement: 'Conditional', scope: ['Properties'], properties: [] }),
    change({ action: 'Remove', logicalId: 'OldGroup' }),
  ];

  it('says add / modify / remove and replacement per resource, by logical id and type', () => {
    expect(changes.map(describeChange)).toEqual([
      '+ NatGateway  AWS::EC2::NatGateway  Add',
      '~ WorkerGroup  AWS::AutoScaling::AutoScalingGroup  Modify: DesiredCapacity',
      '~ MainLaunchTemplate  AWS::EC2::LaunchTemplate  Modify, REPLACED: LaunchTemplateData',
      '~ MainGroup  AWS::AutoScaling::AutoScalingGroup  Modify, may be replaced: Properties',
      '- OldGroup  AWS::EC2::SecurityGroup  Remove',
    ]);
    expect(summarizeChanges(changes)).toBe('5 changes: 1 to add, 3 to modify (1 replaced, 1 maybe replaced), 1 to remove');
    expect(summarizeChanges([])).toBe('no changes');
  });

  it('lists replacements first, in Block Kit within Slack limits, with the same text as fallback', () => {
    const msg = renderStackChanges({ title: 'Stack diff: devbot-prod (prod)', intro: ['5 changes'], changes, outro: ['nothing was changed'] });
    const lines = msg.text.split('\n');
    expect(lines.slice(2, 4)).toEqual(['  ~ MainLaunchTemplate  AWS::EC2::LaunchTemplate  Modify, REPLACED: LaunchTemplateData', '  ~ MainGroup  AWS::AutoScaling::AutoScalingGroup  Modify, may be replaced: Properties']);
    expect(msg.blocks?.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    const many = Array.from({ length: 400 }, (_, i) => change({ action: 'Add', logicalId: `Resource${i}`, resourceType: 'AWS::EC2::SecurityGroupIngress' }));
    const big = renderStackChanges({ title: 't', intro: [], changes: many });
    expect(big.text.length).toBeLessThanOrEqual(4000);
    for (const b of big.blocks ?? []) if (b.type === 'section') expect((b['text'] as { text: string }).text.length).toBeLessThanOrEqual(3000);
    expect(big.blocks!.length).toBeGreaterThan(3);
  });
});

describe('rendering stack events', () => {
  it('one line per transition, and the first failure with its reason', () => {
    expect(describeEvent(event('WorkerGroup', 'UPDATE_FAILED', 'Instance type x1.nano is not supported'))).toBe('14:02:11 WorkerGroup (AWS::AutoScaling::AutoScalingGroup) UPDATE_FAILED — Instance type x1.nano is not supported');
    const events = [
      event('devbot-prod', 'UPDATE_IN_PROGRESS', 'User Initiated', 'AWS::CloudFormation::Stack'),
      event('MainGroup', 'UPDATE_FAILED', 'Resource update cancelled'),
      event('WorkerGroup', 'UPDATE_FAILED', 'You have requested more instances (30) than your current instance limit'),
      event('devbot-prod', 'UPDATE_ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to update: [WorkerGroup].', 'AWS::CloudFormation::Stack'),
    ];
    expect(firstFailure(events)?.logicalId).toBe('WorkerGroup');
    expect(describeFailure(firstFailure(events))).toBe('First failure: WorkerGroup (AWS::AutoScaling::AutoScalingGroup) UPDATE_FAILED: You have requested more instances (30) than your current instance limit.');
    expect(firstFailure(events.slice(0, 2))?.logicalId).toBe('MainGroup');
    expect(describeFailure(undefined)).toMatch(/no failure reason/);
    expect([formatDuration(48_200), formatDuration(192_000)]).toEqual(['48 s', '3 min 12 s']);
  });
});
