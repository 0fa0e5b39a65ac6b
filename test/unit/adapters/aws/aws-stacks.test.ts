import {
  CloudFormationClient, CloudFormationServiceException, CreateChangeSetCommand, DescribeChangeSetCommand, DescribeStackEventsCommand, DescribeStacksCommand, DeleteChangeSetCommand, ChangeSetNotFoundException,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsStacks } from '../../../../src/adapters/aws/aws-stacks.js';

const client = new CloudFormationClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
const mock = mockClient(client);
const sdk = (name: string, message: string) => new CloudFormationServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } });

/** Backoff recorded, not slept. */
function fastRetry() {
  const delays: number[] = [];
  return { delays, policy: { sleep: async (ms: number) => void delays.push(ms), random: () => 1 } };
}

describe('the Stacks adapter over CloudFormation', () => {
  afterEach(() => mock.reset());

  it('maps a stack, and says undefined for one that does not exist', async () => {
    const created = new Date('2026-01-01T00:00:00Z');
    mock.on(DescribeStacksCommand, { StackName: 'devbot-prod' }).resolves({ Stacks: [{ StackName: 'devbot-prod', StackId: 'arn:1', StackStatus: 'UPDATE_COMPLETE', CreationTime: created, LastUpdatedTime: created, Outputs: [{ OutputKey: 'VpcId', OutputValue: 'vpc-1' }] }] });
    mock.on(DescribeStacksCommand, { StackName: 'nope' }).rejects(sdk('ValidationError', 'Stack with id nope does not exist'));
    const stacks = createAwsStacks(client);
    expect(await stacks.describeStack('devbot-prod')).toEqual({ name: 'devbot-prod', id: 'arn:1', status: 'UPDATE_COMPLETE', createdAt: created, lastUpdatedAt: created, outputs: { VpcId: 'vpc-1' } });
    expect(await stacks.describeStack('nope')).toBeUndefined();
  });

  it('retries throttling with exponential backoff, then succeeds', async () => {
    mock.on(DescribeStacksCommand).rejectsOnce(sdk('Throttling', 'Rate exceeded')).rejectsOnce(sdk('Throttling', 'Rate exceeded')).resolves({ Stacks: [{ StackName: 's', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
    const { delays, policy } = fastRetry();
    expect((await createAwsStacks(client, policy).describeStack('s'))?.status).toBe('CREATE_COMPLETE');
    expect(delays).toEqual([800, 1600]);
    expect(mock.commandCalls(DescribeStacksCommand)).toHaveLength(3);
  });

  it('gives up after the last attempt with a message that says so', async () => {
    mock.on(DescribeStackEventsCommand).rejects(sdk('Throttling', 'Rate exceeded'));
    const { delays, policy } = fastRetry();
    await expect(createAwsStacks(client, { ...policy, attempts: 3 }).eventsSince('s', new Date(0))).rejects.toMatchObject({
      userFacing: 'AWS kept throttling devbot while reading the events of s (Throttling: Rate exceeded), even after backing off. Try again in a minute.',
      retryable: true,
    });
    expect(delays).toHaveLength(2);
  });

  it('reads events newest-first page by page, stops at `since`, and returns them oldest first', async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const ev = (n: number) => ({ EventId: `e${n}`, StackId: 'arn:s', StackName: 's', LogicalResourceId: `R${n}`, ResourceType: 'AWS::EC2::VPC', ResourceStatus: 'CREATE_COMPLETE' as const, Timestamp: at(n) });
    mock.on(DescribeStackEventsCommand, { StackName: 's', NextToken: undefined }).resolves({ StackEvents: [ev(9), ev(8), ev(7)], NextToken: 'p2' });
    mock.on(DescribeStackEventsCommand, { StackName: 's', NextToken: 'p2' }).resolves({ StackEvents: [ev(6), ev(5), ev(4)], NextToken: 'p3' });
    const events = await createAwsStacks(client).eventsSince('s', at(5));
    expect(events.map((e) => e.id)).toEqual(['e5', 'e6', 'e7', 'e8', 'e9']);
    expect(mock.commandCalls(DescribeStackEventsCommand)).toHaveLength(2);
  });

  it('reads every page of a change set; a missing change set is undefined and deleting it is no error', async () => {
    const change = (id: string) => ({ Type: 'Resource' as const, ResourceChange: { Action: 'Modify' as const, LogicalResourceId: id, ResourceType: 'AWS::EC2::VPC', Replacement: 'Conditional' as const, Scope: ['Properties' as const], Details: [{ Target: { Attribute: 'Properties' as const, Name: 'CidrBlock' } }] } });
    mock.on(DescribeChangeSetCommand, { ChangeSetName: 'cs', NextToken: undefined }).resolves({ ChangeSetName: 'cs', Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', Changes: [change('A')], NextToken: 't' });
    mock.on(DescribeChangeSetCommand, { ChangeSetName: 'cs', NextToken: 't' }).resolves({ ChangeSetName: 'cs', Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', Changes: [change('B')] });
    mock.on(DescribeChangeSetCommand, { ChangeSetName: 'gone' }).rejects(new ChangeSetNotFoundException({ message: 'ChangeSet [gone] does not exist', $metadata: {} }));
    mock.on(DeleteChangeSetCommand).rejects(new ChangeSetNotFoundException({ message: 'ChangeSet [gone] does not exist', $metadata: {} }));
    const stacks = createAwsStacks(client);
    const view = await stacks.describeChangeSet('s', 'cs');
    expect(view?.changes).toEqual([
      { action: 'Modify', logicalId: 'A', resourceType: 'AWS::EC2::VPC', replacement: 'Conditional', scope: ['Properties'], properties: ['CidrBlock'] },
      { action: 'Modify', logicalId: 'B', resourceType: 'AWS::EC2::VPC', replacement: 'Conditional', scope: ['Properties'], properties: ['CidrBlock'] },
    ]);
    expect(await stacks.describeChangeSet('s', 'gone')).toBeUndefined();
    await expect(stacks.deleteChangeSet('s', 'gone')).resolves.toBeUndefined();
  });

  it('creates change sets idempotently: a client token, and an existing one of the same name is fine', async () => {
    mock.on(CreateChangeSetCommand).rejects(sdk('AlreadyExistsException', 'ChangeSet devbot-1 already exists'));
    await createAwsStacks(client).createChangeSet({ stackName: 's', changeSetName: 'devbot-1', type: 'UPDATE', templateBody: '{}', tags: { team: 'ops' } });
    expect(mock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input).toMatchObject({ StackName: 's', ChangeSetName: 'devbot-1', ChangeSetType: 'UPDATE', ClientToken: 'devbot-1', Tags: [{ Key: 'team', Value: 'ops' }] });
  });
});
