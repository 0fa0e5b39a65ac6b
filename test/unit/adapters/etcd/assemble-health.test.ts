import { describe, expect, it } from 'vitest';
import { assembleHealth } from '../../../../src/adapters/etcd/assemble-health.js';
import type { MemberProbe } from '../../../../src/adapters/etcd/probe-member.js';

const list = [
  { id: 'a1', name: 'e1', clientUrls: ['http://127.0.0.1:2001'] },
  { id: 'b2', name: 'e2', clientUrls: ['http://127.0.0.1:2002'] },
  { id: 'c3', name: 'e3', clientUrls: ['http://127.0.0.1:2003'] },
];
const answered = (n: 1 | 2 | 3, over: Partial<NonNullable<MemberProbe['status']>> = {}): MemberProbe => ({
  endpoint: `http://127.0.0.1:200${n}`,
  status: { id: list[n - 1]!.id, leaderId: 'a1', raftTerm: 4, raftIndex: 40, dbSizeBytes: 20480, errors: [], ...over },
  members: list,
  readOk: true,
  errors: [],
});
const silent = (n: 1 | 2 | 3, error = 'cannot connect (ECONNREFUSED)'): MemberProbe => ({
  endpoint: `http://127.0.0.1:200${n}/`, readOk: false, errors: [error],
});

describe('assembleHealth', () => {
  it('names a member that did not answer from the others\' member lists, by client URL', () => {
    const h = assembleHealth([answered(1), silent(2), answered(3)]);
    expect(h.members[1]).toEqual({
      name: 'e2', id: 'b2', clientUrl: 'http://127.0.0.1:2002/', reachable: false, isLeader: false, leaderId: '',
      raftTerm: 0, raftIndex: 0, dbSizeBytes: 0, errors: ['cannot connect (ECONNREFUSED)'], alarms: [],
    });
    expect(h).toMatchObject({ hasQuorum: true, leader: 'e1' });
  });

  it('marks an endpoint no member claims as joining while etcd lists a learner that has not started, and only then', () => {
    // e3 was removed and its replacement added as a learner: no name, no client URL until its etcd starts.
    const replacing = [list[0]!, list[1]!, { id: 'f6', name: '', clientUrls: [], isLearner: true }];
    const withLearner = assembleHealth([{ ...answered(1), members: replacing }, { ...answered(2), members: replacing }, silent(3)]);
    expect(withLearner.members[2]).toMatchObject({ name: 'http://127.0.0.1:2003/', reachable: false, joining: true });
    expect(withLearner.hasQuorum).toBe(true);
    const removedOnly = [list[0]!, list[1]!];
    expect(assembleHealth([{ ...answered(1), members: removedOnly }, { ...answered(2), members: removedOnly }, silent(3)]).members[2]).not.toHaveProperty('joining');
    // A member that is listed, named and down is down, learner or not.
    expect(assembleHealth([{ ...answered(1), members: replacing }, silent(2), answered(3)]).members[1]).not.toHaveProperty('joining');
  });

  it('falls back to the endpoint as the name when nobody answered', () => {
    const h = assembleHealth([silent(1), silent(2)]);
    expect(h.members.map((m) => m.name)).toEqual(['http://127.0.0.1:2001/', 'http://127.0.0.1:2002/']);
    expect(h.hasQuorum).toBe(false);
  });

  it('attributes alarms by member id, even to a member that is down, and keeps other errors', () => {
    const errors = ['memberID:178 alarm:NOSPACE ', 'memberID:161 alarm:CORRUPT ', 'etcdserver: no leader'];
    const h = assembleHealth([answered(1, { errors }), silent(2)]);
    expect(h.members[0]).toMatchObject({ name: 'e1', alarms: ['CORRUPT'], errors: ['etcdserver: no leader'] });
    expect(h.members[1]).toMatchObject({ name: 'e2', alarms: ['NOSPACE'] });
  });

  it('marks only the member whose id is the leader id as leader', () => {
    const h = assembleHealth([answered(1), answered(2), answered(3)]);
    expect(h.members.map((m) => m.isLeader)).toEqual([true, false, false]);
  });

  it('judges the majority against the member list when it is larger than the endpoints probed', () => {
    const five = [...list, { id: 'd4', name: 'e4', clientUrls: [] }, { id: 'e5', name: 'e5', clientUrls: [] }];
    const h = assembleHealth([{ ...answered(1), members: five }, { ...answered(2), members: five }]);
    expect(h.hasQuorum).toBe(false);
    expect(h.quorumReason).toContain('of 5 members');
  });
});
