import { describe, expect, it } from 'vitest';
import { createAwsInstances } from '../../../../src/adapters/aws/aws-instances.js';
import { loadConfig } from '../../../../src/config/load-config.js';
import { BotError, UsageError } from '../../../../src/errors.js';
import { findPeerUrl } from '../../../../src/jobs/etcd/replace/find-peer-url.js';
import type { EtcdMember } from '../../../../src/ports/members.js';
import { createFakeEc2 } from '../../../fakes/fake-ec2.js';
import { MINIMAL_AWS } from '../../stack/aws-fixture.js';

const at = (minute: number) => new Date(`2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`);

/** The stack of prod: three zones, a main group, e2's machine (10.0.2.10) lost and replaced. */
function stack() {
  const fake = createFakeEc2('devbot-prod');
  fake.addSubnet('10.0.1.0/24', 'eu-west-1a');
  fake.addSubnet('10.0.2.0/24', 'eu-west-1b');
  fake.addSubnet('10.0.3.0/24', 'eu-west-1c');
  fake.addGroup('devbot-prod-MainGroup-X', 'MainGroup');
  fake.addGroup('devbot-prod-WorkerGroup-Y', 'WorkerGroup');
  fake.launch({ id: 'i-e1', zone: 'eu-west-1a', ip: '10.0.1.10', launchedAt: at(0), group: 'devbot-prod-MainGroup-X' });
  fake.launch({ id: 'i-e2', zone: 'eu-west-1b', ip: '10.0.2.10', launchedAt: at(0), group: 'devbot-prod-MainGroup-X' });
  fake.launch({ id: 'i-e3', zone: 'eu-west-1c', ip: '10.0.3.10', launchedAt: at(0), group: 'devbot-prod-MainGroup-X' });
  fake.launch({ id: 'i-worker', zone: 'eu-west-1b', ip: '10.0.2.99', launchedAt: at(30), group: 'devbot-prod-WorkerGroup-Y' });
  fake.terminate('i-e2');
  fake.launch({ id: 'i-e2-new', zone: 'eu-west-1b', ip: '10.0.2.11', launchedAt: at(20), group: 'devbot-prod-MainGroup-X' });
  return { fake, instances: createAwsInstances(fake.clients, { sleep: async () => {}, random: () => 0 }) };
}

const members: EtcdMember[] = ['1', '2', '3'].map((n) => ({ id: `a${n}`, name: `e${n}`, peerUrls: [`http://10.0.${n}.10:2380`], clientUrls: [], isLearner: false }));

describe('the Instances adapter over EC2 and Auto Scaling', () => {
  it('finds the zone of a terminated machine by its IP while EC2 still lists it, else from the stack\'s subnets', async () => {
    const { fake, instances } = stack();
    expect(await instances.zoneOf('devbot-prod', '10.0.2.10')).toBe('eu-west-1b');
    expect(fake.calls).toEqual(['DescribeInstances']);
    fake.forget('i-e2');
    expect(await instances.zoneOf('devbot-prod', '10.0.2.10')).toBe('eu-west-1b');
    expect(fake.calls).toEqual(['DescribeInstances', 'DescribeInstances', 'DescribeSubnets']);
    expect(await instances.zoneOf('devbot-prod', '192.168.0.1')).toBeUndefined();
  });

  it("lists the main group's instances with their IPs and launch times (all pages), not the other groups'", async () => {
    const { instances } = stack();
    const main = await instances.groupInstances('devbot-prod', 'MainGroup');
    expect(main.map((i) => [i.id, i.zone, i.privateIp, i.lifecycleState, i.launchedAt.toISOString()]).sort()).toEqual([
      ['i-e1', 'eu-west-1a', '10.0.1.10', 'InService', at(0).toISOString()],
      ['i-e2-new', 'eu-west-1b', '10.0.2.11', 'InService', at(20).toISOString()],
      ['i-e3', 'eu-west-1c', '10.0.3.10', 'InService', at(0).toISOString()],
    ]);
    await expect(instances.groupInstances('devbot-other', 'MainGroup')).rejects.toThrow('The stack devbot-other has no autoscaling group MainGroup (is the stack created? `/dev status`).');
  });
});

describe('findPeerUrl: the new member\'s peer URL, from --peer-url or from AWS', () => {
  const config = (aws: boolean) => loadConfig({
    documents: [`environments:\n  prod:\n    etcd: { endpoints: [http://10.0.1.10:2379] }\n${aws ? `    aws: ${JSON.stringify(MINIMAL_AWS)}\n` : ''}`],
  }).environments['prod']!;
  const target = { old: { id: 'a2', name: 'e2', peerUrl: 'http://10.0.2.10:2380', reachable: false }, name: 'e2' };

  it("keeps the peer URL of a member at one of the stack's fixed addresses: the node that replaces it attaches that address", async () => {
    const { fake, instances } = stack();
    // main-2's address in the template derived from this config: .10 of the second zone's subnet.
    const fixed = { old: { id: 'a2', name: 'main-2', peerUrl: 'http://10.0.16.10:2380', reachable: false }, name: 'main-2' };
    const choice = await findPeerUrl({ environment: 'prod', env: config(true), target: fixed, members, instances: () => instances });
    expect(choice).toEqual({ peerUrl: 'http://10.0.16.10:2380', source: "main-2's fixed address 10.0.16.10, which the main node that replaces it attaches (its own interface in the stack)" });
    expect(fake.calls).toEqual([]);
  });

  it("for a member at a machine's own address, takes the newest free InService machine of the main group in the old member's zone", async () => {
    const { instances } = stack();
    const choice = await findPeerUrl({ environment: 'prod', env: config(true), target, members, instances: () => instances });
    expect(choice).toEqual({ peerUrl: 'http://10.0.2.11:2380', source: 'i-e2-new (10.0.2.11), launched 2026-11-20 10:20 UTC in eu-west-1b' });
  });

  it('says to wait or give --peer-url when the group has not replaced the machine yet', async () => {
    const { fake, instances } = stack();
    fake.terminate('i-e2-new');
    await expect(findPeerUrl({ environment: 'prod', env: config(true), target, members, instances: () => instances })).rejects.toThrow(
      'No InService machine of MainGroup in eu-west-1b is free to take e2\'s place (there: none). Wait for the group to launch the replacement (`/dev status`), or give `/dev etcd replace e2 --peer-url http://<new machine\'s IP>:2380 --env prod`.',
    );
  });

  it('without AWS configured, says --peer-url is needed; with it given, asks AWS nothing', async () => {
    const { fake, instances } = stack();
    const refused = await findPeerUrl({ environment: 'prod', env: config(false), target, members, instances: () => instances }).catch((e: BotError) => e);
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as BotError).userFacing).toBe(
      'AWS is not configured for prod, so devbot cannot look up the machine that takes e2\'s place: give its peer URL, e.g. `/dev etcd replace e2 --peer-url http://<new machine\'s IP>:2380 --env prod`.',
    );
    expect(await findPeerUrl({ environment: 'prod', env: config(false), target, members, given: 'http://10.0.2.50:2380', instances: () => instances })).toEqual({ peerUrl: 'http://10.0.2.50:2380', source: 'given with --peer-url' });
    expect(fake.calls).toEqual([]);
  });
});
