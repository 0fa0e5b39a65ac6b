import { describe, expect, it } from 'vitest';
import { createAwsInstances } from '../../../../src/adapters/aws/aws-instances.js';
import { createFakeEc2 } from '../../../fakes/fake-ec2.js';

const at = (minute: number) => new Date(`2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`);

describe('Instances.stackInstances', () => {
  it('lists the stack\'s live instances over all pages, each with its group, and none that EC2 terminated', async () => {
    const fake = createFakeEc2('devbot-prod');
    fake.addGroup('devbot-prod-MainGroup-X', 'MainGroup');
    fake.launch({ id: 'i-1', zone: 'eu-west-1a', ip: '10.0.1.10', launchedAt: at(0), group: 'devbot-prod-MainGroup-X' });
    fake.launch({ id: 'i-2', zone: 'eu-west-1b', ip: '10.0.2.10', launchedAt: at(1), group: 'devbot-prod-MainGroup-X', lifecycle: 'Pending' });
    fake.launch({ id: 'i-bastion', zone: 'eu-west-1c', ip: '10.0.3.5', launchedAt: at(2) });
    fake.launch({ id: 'i-old', zone: 'eu-west-1c', ip: '10.0.3.10', launchedAt: at(0), group: 'devbot-prod-MainGroup-X' });
    fake.terminate('i-old');
    const instances = createAwsInstances(fake.clients, { sleep: async () => {}, random: () => 0 });

    const found = await instances.stackInstances('devbot-prod');
    expect(found.map((i) => [i.id, i.privateIp, i.zone, i.group?.logicalId, i.group?.lifecycleState])).toEqual([
      ['i-1', '10.0.1.10', 'eu-west-1a', 'MainGroup', 'InService'],
      ['i-2', '10.0.2.10', 'eu-west-1b', 'MainGroup', 'Pending'],
      ['i-bastion', '10.0.3.5', 'eu-west-1c', undefined, undefined],
    ]);
    // one group listing, then two pages of instances (the fake pages by two)
    expect(fake.calls).toEqual(['DescribeAutoScalingGroups', 'DescribeInstances', 'DescribeInstances']);
    expect(await instances.stackInstances('devbot-staging')).toEqual([]);
  });

  it("gives every address of an instance's interfaces, the primary first: a main node's etcd-member interface too", async () => {
    const fake = createFakeEc2('devbot-prod');
    fake.addGroup('devbot-prod-MainGroup-X', 'MainGroup');
    fake.launch({ id: 'i-1', zone: 'eu-west-1a', ip: '10.0.1.57', attached: ['10.0.1.10'], launchedAt: at(0), group: 'devbot-prod-MainGroup-X' });
    const instances = createAwsInstances(fake.clients, { sleep: async () => {}, random: () => 0 });
    const [main] = await instances.stackInstances('devbot-prod');
    expect([main?.privateIp, main?.addresses]).toEqual(['10.0.1.57', ['10.0.1.57', '10.0.1.10']]);
  });
});
