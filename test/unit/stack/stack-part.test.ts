import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createAwsStacks } from '../../../src/adapters/aws/aws-stacks.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { GroupView, Groups, ScalingActivity } from '../../../src/ports/groups.js';
import type { Stacks } from '../../../src/ports/stacks.js';
import type { StatusContext } from '../../../src/ports/status.js';
import { stackPart } from '../../../src/status/parts/stack.part.js';
import { createFakeCloudFormation } from '../../fakes/fake-cloudformation.js';
import { createFakeCluster } from '../../fakes/fake-cluster.js';
import { createFakeElections } from '../../fakes/fake-elections.js';
import { createFakeQueue } from '../../fakes/fake-queue.js';

const config = loadConfig({
  documents: [`
environments:
  prod:
    etcd: { endpoints: [http://127.0.0.1:2379] }
    aws: { region: eu-west-1, imageId: ami-0123456789abcdef0, sshCidr: 203.0.113.0/24, etcd: { discoveryUrl: "https://discovery.etcd.io/abc" } }
  local:
    etcd: { endpoints: [http://127.0.0.1:2379] }
`],
});

function fakeGroups(groups: GroupView[], activities: Record<string, ScalingActivity[]>): Groups {
  return { listForStack: async () => groups.map((g) => ({ ...g })), recentActivities: async (name, limit) => (activities[name] ?? []).slice(0, limit) };
}

const context = (environment: string, aws: { stacks?: Stacks; groups?: Groups }): StatusContext => ({
  environment, config, cluster: createFakeCluster(), elections: createFakeElections(), queue: createFakeQueue(), signal: new AbortController().signal, ...aws,
});

describe('/dev status: the stack part', () => {
  const group = (logicalId: string, g: Partial<GroupView>): GroupView => ({ name: `devbot-prod-${logicalId}-ABC`, logicalId, desired: 3, min: 3, max: 3, inService: 3, unhealthy: 0, other: 0, ...g });

  it('reports the stack status and last change, each group’s sizes and instances, and recent scaling', async () => {
    const cfn = createFakeCloudFormation({ now: () => new Date('2026-11-20T14:02:00Z') });
    cfn.seedStack('devbot-prod', { Resources: {} }, 'UPDATE_ROLLBACK_COMPLETE');
    const groups = fakeGroups(
      [group('DataGroup', { desired: 1, min: 1, max: 1, inService: 1 }), group('WorkerGroup', { desired: 4, min: 2, max: 8, inService: 3, unhealthy: 1 }), group('MainGroup', { inService: 1, other: 2 })],
      { 'devbot-prod-WorkerGroup-ABC': [
        { startedAt: new Date('2026-11-20T13:50:00Z'), status: 'Failed', description: 'Launching a new EC2 instance', statusMessage: 'InsufficientInstanceCapacity' },
        { startedAt: new Date('2026-11-20T13:40:00Z'), status: 'Successful', description: 'Terminating EC2 instance: i-0abc' },
        { startedAt: new Date('2026-11-20T13:30:00Z'), status: 'Successful', description: 'older, not shown' },
      ] },
    );
    const section = await stackPart.collect(context('prod', { stacks: createAwsStacks(cfn.client), groups }));
    expect(section.summary).toBe('devbot-prod UPDATE_ROLLBACK_COMPLETE, 3 autoscaling groups');
    expect(section.level).toBe('critical');
    expect(section.lines.map((l) => [l.label, l.value, l.level])).toEqual([
      ['devbot-prod', 'UPDATE_ROLLBACK_COMPLETE, last changed 2026-11-20 14:02 UTC — the last update failed and was rolled back', 'warn'],
      ['main', 'desired 3 (min 3, max 3): 1 in service, 0 unhealthy, 2 starting or stopping — fewer than a majority of etcd members', 'critical'],
      ['worker', 'desired 4 (min 2, max 8): 3 in service, 1 unhealthy', 'warn'],
      ['worker activity', 'Failed 2026-11-20 13:50 UTC Launching a new EC2 instance (InsufficientInstanceCapacity); Successful 2026-11-20 13:40 UTC Terminating EC2 instance: i-0abc', 'warn'],
      ['data', 'desired 1 (min 1, max 1): 1 in service, 0 unhealthy', 'ok'],
    ]);
  });

  it('says in one info line when AWS is not configured for the environment, or has no credentials', async () => {
    expect(await stackPart.collect(context('local', {}))).toEqual({ title: 'stack', level: 'info', summary: 'AWS is not configured for local (add environments.local.aws; see the README).', lines: [] });
    // What the SDK's default chain throws when it finds nothing, through the real adapter.
    const client = new CloudFormationClient({ region: 'eu-west-1' });
    mockClient(client).onAnyCommand().rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const section = await stackPart.collect(context('prod', { stacks: createAwsStacks(client), groups: fakeGroups([], {}) }));
    expect([section.level, section.lines]).toEqual(['info', []]);
    expect(section.summary).toMatch(/^AWS is not configured: no credentials were found \(Could not load credentials from any providers\)\. devbot uses/);
  });

  it('says when the stack does not exist yet', async () => {
    const section = await stackPart.collect(context('prod', { stacks: createAwsStacks(createFakeCloudFormation().client), groups: fakeGroups([], {}) }));
    expect([section.level, section.summary]).toEqual(['warn', 'devbot-prod does not exist yet (`/dev stack create`)']);
  });
});
