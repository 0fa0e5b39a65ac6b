import { describe, expect, it } from 'vitest';
import { BotError, RefusedError, UsageError } from '../../../src/errors.js';
import { joinMachines } from '../../../src/jobs/machines/join-machines.js';
import { checkCapacity } from '../../../src/jobs/replace/check-capacity.js';
import { checkEtcdMajority, memberOf, onFixedAddress } from '../../../src/jobs/replace/check-etcd.js';
import { selfJoinedMember } from '../../../src/jobs/replace/self-joined.js';
import { findMachine } from '../../../src/jobs/replace/find-machine.js';
import type { GroupInstance, StackInstance } from '../../../src/ports/instances.js';
import type { MembersView, MemberView } from '../../../src/ports/members.js';
import type { Machine, UnitState } from '../../../src/ports/scheduler.js';

const launched = new Date('2026-11-20T10:00:00Z');
const group = (logicalId: string) => ({ name: `devbot-prod-${logicalId}-X`, logicalId, lifecycleState: 'InService', healthStatus: 'Healthy' });
const instance = (id: string, ip: string, logicalId?: string): StackInstance => ({ id, zone: 'eu-west-1a', privateIp: ip, state: 'running', launchedAt: launched, ...(logicalId ? { group: group(logicalId) } : {}) });
const machine = (id: string, ip: string, role: string): Machine => ({ id: id.padEnd(32, '0'), ip, metadata: { role } });
const state = (name: string, machineId: string): UnitState => ({ name, hash: 'h', machineId, loadState: 'loaded', activeState: 'active', subState: 'running' });

const machines = [machine('aaaa1111', '10.0.1.21', 'worker'), machine('aaaa2222', '10.0.2.21', 'worker'), machine('bbbb1111', '10.0.1.10', 'main'), machine('cccc1111', '10.0.9.9', 'worker')];
const instances = [
  instance('i-w1', '10.0.1.21', 'WorkerGroup'), instance('i-w2', '10.0.2.21', 'WorkerGroup'), instance('i-m1', '10.0.1.10', 'MainGroup'),
  instance('i-dead', '10.0.3.21', 'WorkerGroup'), instance('i-lone', '10.0.9.9'),
];
const joined = joinMachines(machines, [state('web.service', machines[0]!.id), state('api.service', machines[0]!.id), state('db.service', machines[1]!.id)], instances);

function said(fn: () => unknown): { error: BotError; text: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof BotError) return { error: e, text: e.userFacing };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('findMachine: which machine `/dev replace` means', () => {
  it('takes a private IP, an instance id, a fleet machine id or a prefix of it (six digits or more)', () => {
    for (const q of ['10.0.1.21', 'i-w1', machines[0]!.id, 'aaaa11', 'AAAA1111']) {
      const found = findMachine(q, joined, 'prod');
      expect(found.instance.id).toBe('i-w1');
      expect(found.role).toBe('worker');
      expect(found.units).toEqual(['api.service', 'web.service']);
    }
  });

  it('finds an instance fleet does not list (fleet died on it): no machine, no units', () => {
    const found = findMachine('10.0.3.21', joined, 'prod');
    expect(found).toMatchObject({ instance: { id: 'i-dead' }, role: 'worker', units: [] });
    expect(found.machine).toBeUndefined();
  });

  it('refuses an unknown name, suggesting /dev machines, and an ambiguous prefix, listing the matches', () => {
    const unknown = said(() => findMachine('10.9.9.9', joined, 'prod'));
    expect(unknown.error).toBeInstanceOf(UsageError);
    expect(unknown.text).toBe('No machine of prod is 10.9.9.9: give a fleet machine id, a private IP or an EC2 instance id, as `/dev machines --env prod` lists them.');
    expect(said(() => findMachine('aaaa', joined, 'prod')).text).toContain('No machine of prod is aaaa'); // too short to be a prefix
    const both = said(() => findMachine('aaaa00', { ...joined, rows: joined.rows.map((r) => ({ ...r, machine: { ...r.machine, id: r.machine.id.replace(/^aaaa(1111|2222)/, 'aaaa00$1') } })) }, 'prod'));
    expect(both.text).toMatch(/^aaaa00 matches 2 machines: aaaa0011 \(10\.0\.1\.21, i-w1\), aaaa0022 \(10\.0\.2\.21, i-w2\)\. Give more of the machine id/);
  });

  it('refuses a machine outside the groups devbot manages, saying which and what to do', () => {
    const lone = said(() => findMachine('10.0.9.9', joined, 'prod'));
    expect(lone.error).toBeInstanceOf(RefusedError);
    expect(lone.text).toBe('i-lone (10.0.9.9) is not in a group devbot manages: it is in no autoscaling group. devbot replaces only machines of the groups it configures (environments.prod.aws.groups); replace this one by hand.');
    const other = joinMachines([], [], [instance('i-bastion', '10.0.0.5', 'BastionGroup')]);
    expect(said(() => findMachine('i-bastion', other, 'prod')).text).toContain('its group devbot-prod-BastionGroup-X is none of the stack\'s node groups');
    const laptop = joinMachines([machine('dddd1111', '192.168.1.7', 'worker')], [], instances);
    expect(said(() => findMachine('192.168.1.7', laptop, 'prod')).text).toContain("no EC2 instance of prod's stack has its IP, so no autoscaling group can replace it");
  });
});

describe('checkCapacity: the group must not be short already', () => {
  const gi = (id: string, lifecycleState = 'InService', healthStatus = 'Healthy'): GroupInstance => ({ id, zone: 'eu-west-1a', lifecycleState, healthStatus, launchedAt: launched });
  const g = { name: 'devbot-prod-WorkerGroup-X', desired: 3 };

  it('allows replacing an unhealthy machine of a group otherwise at full strength', () => {
    expect(() => checkCapacity(g, [gi('i-1', 'InService', 'Unhealthy'), gi('i-2'), gi('i-3')], 'i-1')).not.toThrow();
  });

  it('refuses while another instance is pending, unhealthy or missing', () => {
    expect(said(() => checkCapacity(g, [gi('i-1'), gi('i-2'), gi('i-3', 'Pending')], 'i-1')).text).toBe(
      'devbot-prod-WorkerGroup-X is already below its desired capacity: besides i-1, 1 of 2 instances are in service and healthy (i-3 Pending). ' +
        'A replacement or scaling is under way, or instances are failing: wait until `/dev machines` shows the group at full strength, then try again.',
    );
    expect(said(() => checkCapacity(g, [gi('i-1'), gi('i-2')], 'i-1')).text).toContain('besides i-1, 1 of 2 instances are in service and healthy. ');
  });
});

describe('checkEtcdMajority and memberOf: a main node\'s member, and whether etcd keeps its majority without it', () => {
  const m = (name: string, i: number, over: Partial<MemberView> = {}): MemberView => ({
    id: `a${i}`, name, peerUrls: [`http://10.0.${i}.10:2380`], clientUrls: [`http://10.0.${i}.10:2379`], isLearner: false, reachable: true, leaderId: 'a1', raftTerm: 2, raftIndex: 100, dbSizeBytes: 1, version: '3.5.17', ...over,
  });
  const down = { reachable: false, raftIndex: 0, leaderId: '', error: 'ECONNREFUSED' };
  const view = (members: MemberView[]): MembersView => ({ members, leaderId: 'a1', checkedAt: launched });
  const quorum = { hasQuorum: true, reason: '3 of 3 agree' };

  it('finds the member by its peer URL at the machine\'s IP, else by the fleet metadata naming it', () => {
    const v = view([m('e1', 1), m('e2', 2), m('e3', 3)]);
    expect(memberOf(v, ['10.0.2.10'], undefined)?.name).toBe('e2');
    expect(memberOf(v, ['127.0.0.9'], { id: 'x', ip: '127.0.0.9', metadata: { role: 'main', 'etcd-member': 'e3' } })?.name).toBe('e3');
    expect(memberOf(v, ['127.0.0.9'], { id: 'x', ip: '127.0.0.9', metadata: { role: 'main' } })).toBeUndefined();
  });

  it("finds a member on the stack's fixed address (the node's second interface), and keeps that peer URL for the node launched in its place", () => {
    // The stack gives each member a fixed address on an interface of its own (EtcdAddress<N>); the main node's primary IP differs.
    const v = view([m('e1', 1), m('e2', 2), m('e3', 3)]);
    const own = ['10.0.2.57'];
    const interfaces = ['10.0.2.57', '10.0.2.10'];
    const member = memberOf(v, [...own, ...interfaces], undefined)!;
    expect(member.name).toBe('e2');
    expect(onFixedAddress(member, own, interfaces)).toBe(true);
    // A member at the machine's own address moves with the machine: the new node's IP is its peer URL.
    expect(onFixedAddress(m('e2', 2), ['10.0.2.10'], ['10.0.2.10'])).toBe(false);
  });

  it('sees a new main node that joined etcd by itself (the boot script removed the old member and added itself), and only then', () => {
    const old = { id: 'a2', member: 'e2' };
    const peer = 'http://10.0.2.10:2380';
    // The old member is still listed: devbot has the replacement to do.
    expect(selfJoinedMember(view([m('e1', 1), m('e2', 2, down), m('e3', 3)]), old, peer)).toBeUndefined();
    // Gone, and a learner at the same peer URL is there: the node's own join, in flight.
    const learner = m('e2', 2, { id: 'b7', isLearner: true });
    expect(selfJoinedMember(view([m('e1', 1), learner, m('e3', 3)]), old, peer)?.id).toBe('b7');
    // Gone, and nothing in its place: devbot only adds the new member.
    expect(selfJoinedMember(view([m('e1', 1), m('e3', 3)]), old, peer)).toBeUndefined();
  });

  it('allows replacing a main node whose member is down or up, while the others are a majority', () => {
    expect(() => checkEtcdMajority(view([m('e1', 1), m('e2', 2, down), m('e3', 3)]), quorum, m('e2', 2, down), 'main-2')).not.toThrow();
    expect(() => checkEtcdMajority(view([m('e1', 1), m('e2', 2), m('e3', 3)]), quorum, m('e2', 2), 'main-2')).not.toThrow();
  });

  it('refuses when another main node is down: without this one etcd would lose its majority', () => {
    const members = [m('e1', 1), m('e2', 2), m('e3', 3, down)];
    expect(said(() => checkEtcdMajority(view(members), quorum, members[1]!, 'main-2')).text).toBe(
      'Replacing the main node main-2 (etcd member e2) would leave etcd without a majority: 1 of 3 voters would answer, and a majority is 2 (already down: e3). Bring e3 back first (`/dev etcd members`).',
    );
  });

  it('refuses while another main node is being replaced (a learner in flight), and without quorum', () => {
    const members = [m('e1', 1), m('e2', 2), m('e3', 3), m('', 4, { isLearner: true, peerUrls: ['http://10.0.3.55:2380'] })];
    expect(said(() => checkEtcdMajority(view(members), quorum, members[1]!, 'main-2')).text).toBe(
      'Another main node is being replaced: etcd has a membership change in flight (learner a4 (http://10.0.3.55:2380)). Replacing main-2 too would risk etcd\'s majority: let that one finish (`/dev etcd members`), then try again.',
    );
    expect(said(() => checkEtcdMajority(view(members.slice(0, 3)), { hasQuorum: false, reason: 'no leader' }, members[1]!, 'main-2')).text).toMatch(/^etcd has no quorum now \(no leader\): replacing the main node main-2 would take away another member\./);
  });
});
