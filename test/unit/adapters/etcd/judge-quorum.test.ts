import { describe, expect, it } from 'vitest';
import { judgeQuorum, type QuorumInput } from '../../../../src/adapters/etcd/judge-quorum.js';

const up = (name: string, id: string, leaderId: string, readOk = true): QuorumInput => ({ name, id, reachable: true, leaderId, readOk });
const down = (name: string, id = ''): QuorumInput => ({ name, id, reachable: false, leaderId: '', readOk: false });

describe('judgeQuorum', () => {
  it('has quorum when all members agree on a leader and a read answered', () => {
    const v = judgeQuorum([up('e1', 'a1', 'a1'), up('e2', 'b2', 'a1'), up('e3', 'c3', 'a1')]);
    expect(v).toEqual({ hasQuorum: true, leader: 'e1', quorumReason: '3 of 3 members agree e1 leads and a linearizable read answered' });
  });

  it('keeps quorum with one member down and names it', () => {
    const v = judgeQuorum([up('e1', 'a1', 'b2'), up('e2', 'b2', 'b2', false), down('e3', 'c3')]);
    expect(v.hasQuorum).toBe(true);
    expect(v.leader).toBe('e2');
    expect(v.quorumReason).toBe('2 of 3 members agree e2 leads and a linearizable read answered; unreachable: e3');
  });

  it('loses quorum when only one of three members answers, even if it still believes in a leader', () => {
    const v = judgeQuorum([up('e1', 'a1', 'b2', false), down('e2', 'b2'), down('e3', 'c3')]);
    expect(v).toEqual({ hasQuorum: false, quorumReason: 'only 1 of 3 members agree e2 leads, 2 needed; unreachable: e2, e3' });
  });

  it('loses quorum when a majority agrees but no linearizable read answered', () => {
    const v = judgeQuorum([up('e1', 'a1', 'a1', false), up('e2', 'b2', 'a1', false), down('e3')]);
    expect(v.hasQuorum).toBe(false);
    expect(v.leader).toBe('e1');
    expect(v.quorumReason).toContain('no linearizable read answered in time');
  });

  it('loses quorum when members disagree on the leader', () => {
    const v = judgeQuorum([up('e1', 'a1', 'a1'), up('e2', 'b2', 'b2'), up('e3', 'c3', '')]);
    expect(v.hasQuorum).toBe(false);
    expect(v.leader).toBeUndefined();
    expect(v.quorumReason).toMatch(/^only 1 of 3 members agree e\d leads, 2 needed$/);
  });

  it('says so when no member reports a leader', () => {
    expect(judgeQuorum([up('e1', 'a1', '', false), up('e2', 'b2', '', false), up('e3', 'c3', '', false)]).quorumReason)
      .toBe('no member reports a leader, 2 needed');
  });

  it('says no member answered when all are down', () => {
    expect(judgeQuorum([down('http://127.0.0.1:1'), down('http://127.0.0.1:2')])).toEqual({
      hasQuorum: false, quorumReason: 'no member answered (0 of 2 reachable)',
    });
  });

  it('counts the majority against the cluster size etcd reports when more members exist than were probed', () => {
    const v = judgeQuorum([up('e1', 'a1', 'a1'), up('e2', 'b2', 'a1')], 5);
    expect(v.hasQuorum).toBe(false);
    expect(v.quorumReason).toBe('only 2 of 5 members agree e1 leads, 3 needed');
  });

  it('names an unknown leader by its hex id', () => {
    expect(judgeQuorum([up('e1', 'a1', 'ff'), up('e2', 'b2', 'ff')]).leader).toBe('ff');
  });
});
