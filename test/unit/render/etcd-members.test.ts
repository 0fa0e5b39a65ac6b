import { describe, expect, it } from 'vitest';
import type { MemberView } from '../../../src/ports/members.js';
import { renderEtcdMembers } from '../../../src/render/etcd-members.js';
import { SLACK_LIMITS } from '../../../src/render/limits.js';

const member = (n: number, over: Partial<MemberView> = {}): MemberView => ({
  id: `8e9e05c52164694${n}`, name: `e${n}`, peerUrls: [`http://10.0.${n}.10:2380`], clientUrls: [`http://10.0.${n}.10:2379`], isLearner: false,
  reachable: true, leaderId: '8e9e05c521646941', raftTerm: 3, raftIndex: 1200, dbSizeBytes: 20 * 1024 * 1024, version: '3.4.23', ...over,
});

describe('renderEtcdMembers', () => {
  it('one line per member: id, role, reachability, leader, raft index and lag, db size, version; then its URLs', () => {
    const message = renderEtcdMembers({
      leaderId: '8e9e05c521646941',
      checkedAt: new Date('2026-11-20T10:00:00Z'),
      members: [
        member(1, { raftIndex: 1210 }),
        member(2, { reachable: false, leaderId: '', raftIndex: 0, version: '', error: 'no answer within 500 ms' }),
        member(3, { dbSizeBytes: 512 * 1024 }),
        member(4, { name: '', isLearner: true, clientUrls: [], reachable: false, raftIndex: 0, version: '', error: 'added but never started' }),
      ],
    }, 'prod');
    expect(message.text.split('\n')).toEqual([
      'etcd in prod: 2 of 3 voters reachable, 1 learner; leader e1.',
      '- e1 8e9e05c521646941 · voter · reachable · leader · raft index 1210 · db 20.0 MB · etcd 3.4.23',
      '    peer http://10.0.1.10:2380 · client http://10.0.1.10:2379',
      '- e2 8e9e05c521646942 · voter · UNREACHABLE (no answer within 500 ms)',
      '    peer http://10.0.2.10:2380 · client http://10.0.2.10:2379',
      '- e3 8e9e05c521646943 · voter · reachable · raft index 1200 (10 behind the leader) · db 512 KB · etcd 3.4.23',
      '    peer http://10.0.3.10:2380 · client http://10.0.3.10:2379',
      '- (never started) 8e9e05c521646944 · learner · UNREACHABLE (added but never started)',
      '    peer http://10.0.4.10:2380 · client —',
    ]);
    expect(JSON.stringify(message.blocks)).toContain(':crown: *e1* `8e9e05c521646941`');
  });

  it('fits Slack for a large cluster', () => {
    const members = Array.from({ length: 60 }, (_, i) => member(i));
    const message = renderEtcdMembers({ leaderId: '', checkedAt: new Date(0), members }, 'prod');
    expect(message.blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(message.text.split('\n')[0]).toBe('etcd in prod: 60 of 60 voters reachable; no leader.');
  });
});
