import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { checkPeerUrl, checkReplace, type ReplaceCheckInput } from '../../../src/jobs/etcd/replace/check-replace.js';
import { pickReplacement } from '../../../src/jobs/etcd/replace/find-peer-url.js';
import type { GroupInstance } from '../../../src/ports/instances.js';
import type { MembersView, MemberView } from '../../../src/ports/members.js';

function member(name: string, i: number, over: Partial<MemberView> = {}): MemberView {
  return {
    id: `a${i}`, name, peerUrls: [`http://10.0.${i}.10:2380`], clientUrls: [`http://10.0.${i}.10:2379`], isLearner: false,
    reachable: true, leaderId: 'a1', raftTerm: 4, raftIndex: 5000, dbSizeBytes: 1 << 20, version: '3.4.23', ...over,
  };
}

const down = { reachable: false, raftIndex: 0, leaderId: '', version: '', error: 'cannot connect (ECONNREFUSED)' };

function view(members: MemberView[]): MembersView {
  return { members, leaderId: 'a1', checkedAt: new Date('2026-11-20T10:00:00Z') };
}

const input = (members: MemberView[], over: Partial<ReplaceCheckInput> = {}): ReplaceCheckInput => ({
  view: view(members), quorum: { hasQuorum: true, reason: '2 of 3 members agree e1 leads' }, member: 'e2', force: false, expectedVoters: 3, maxLagEntries: 1000, ...over,
});

/** What a refusal says (throws if it does not refuse). */
function refusal(i: ReplaceCheckInput): string {
  try {
    checkReplace(i);
  } catch (e) {
    if (e instanceof BotError) return e.userFacing;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('checkReplace: when a replacement may start, and of which member', () => {
  const three = (e2: Partial<MemberView> = down) => [member('e1', 1), member('e2', 2, e2), member('e3', 3)];

  it('replaces a dead member, by name or by hex id', () => {
    expect(checkReplace(input(three()))).toEqual({ old: { id: 'a2', name: 'e2', peerUrl: 'http://10.0.2.10:2380', reachable: false }, name: 'e2' });
    expect(checkReplace(input(three(), { member: 'A2' })).old?.name).toBe('e2');
  });

  it('refuses without quorum, before anything else', () => {
    expect(refusal(input(three(), { quorum: { hasQuorum: false, reason: 'no member answered (0 of 3 reachable)' } })))
      .toBe('etcd has no quorum (no member answered (0 of 3 reachable)). A membership change needs quorum: bring members back, or follow `/dev etcd recover`.');
  });

  it('refuses while a learner is present, or a member that never started, saying how to finish or undo it', () => {
    const learner = member('e4', 4, { isLearner: true });
    expect(refusal(input([...three(), learner]))).toBe(
      'Another membership change is in flight: learner e4 (http://10.0.4.10:2380). etcd allows one at a time: finish or undo it first (`etcdctl member promote a4`), then run this again.',
    );
    const unstarted = member('', 5, { ...down, clientUrls: [] });
    expect(refusal(input([...three(), unstarted]))).toContain('member (never started) a5 (http://10.0.5.10:2380), added but never started');
    expect(refusal(input([...three(), unstarted]))).toContain('`etcdctl member remove a5`');
  });

  it('refuses a healthy member without --force, and replaces it with --force', () => {
    const healthy = three({ raftIndex: 4990 });
    expect(refusal(input(healthy))).toBe('e2 is healthy (it answers, follows the leader, 10 entries behind): replacing it is refused without --force.');
    expect(checkReplace(input(healthy, { force: true })).old?.reachable).toBe(true);
  });

  it('a member far behind the leader, or following no leader, is not healthy: no --force needed', () => {
    expect(checkReplace(input(three({ raftIndex: 100 }))).old?.name).toBe('e2');
    expect(checkReplace(input(three({ leaderId: '' }))).old?.name).toBe('e2');
  });

  it('refuses when the removal would leave fewer than a majority of voters reachable', () => {
    // Five voters, two down (quorum holds with three): replacing a healthy one leaves 2 of 4 reachable.
    const five = [member('e1', 1), member('e2', 2), member('e3', 3), member('e4', 4, down), member('e5', 5, down)];
    expect(refusal(input(five, { force: true, expectedVoters: 5 })))
      .toBe('Removing e2 would leave 2 of 4 voters reachable, fewer than the 3 a majority needs (down: e4, e5). Bring e4, e5 back first.');
    // Replacing one of the dead ones leaves 3 of 4: fine.
    expect(checkReplace(input(five, { member: 'e4', expectedVoters: 5 })).old?.name).toBe('e4');
  });

  it('a member already gone: only the add is left while the cluster is short of voters; else the name is unknown', () => {
    const two = [member('e1', 1), member('e3', 3)];
    expect(checkReplace(input(two))).toEqual({ name: 'e2' });
    expect(refusal(input(three(), { member: 'e9' }))).toBe('No etcd member is called e9: members are e1 (a1), e2 (a2), e3 (a3).');
  });

  it('checkPeerUrl refuses a peer URL another member has; the old member\'s own is fine', () => {
    const members = three();
    const target = checkReplace(input(members));
    expect(() => checkPeerUrl(view(members), target, 'http://10.0.3.10:2380/')).toThrow('http://10.0.3.10:2380/ is already the peer URL of e3 (a3): give the new machine\'s own.');
    expect(() => checkPeerUrl(view(members), target, 'http://10.0.2.10:2380')).not.toThrow();
  });
});

describe('pickReplacement: the machine that takes a lost member\'s place', () => {
  const at = (minute: number) => new Date(`2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`);
  const instance = (id: string, zone: string, ip: string | undefined, minute: number, lifecycleState = 'InService'): GroupInstance =>
    ({ id, zone, ...(ip ? { privateIp: ip } : {}), lifecycleState, healthStatus: 'Healthy', launchedAt: at(minute) });
  const members = [member('e1', 1), member('e3', 3)];

  it('is the newest InService instance in the zone that is not a member already', () => {
    const group = [
      instance('i-member', 'eu-west-1b', '10.0.1.10', 50), // e1's machine, in that zone by chance
      instance('i-old', 'eu-west-1b', '10.0.2.20', 5),
      instance('i-new', 'eu-west-1b', '10.0.2.30', 20),
      instance('i-pending', 'eu-west-1b', '10.0.2.40', 40, 'Pending'),
      instance('i-no-ip', 'eu-west-1b', undefined, 45),
      instance('i-other-zone', 'eu-west-1a', '10.0.9.9', 59),
    ];
    expect(pickReplacement(group, 'eu-west-1b', members)?.id).toBe('i-new');
  });

  it('is nothing when every machine there is a member, or not in service yet', () => {
    expect(pickReplacement([instance('i-member', 'eu-west-1b', '10.0.1.10', 50), instance('i-pending', 'eu-west-1b', '10.0.2.40', 40, 'Pending')], 'eu-west-1b', members)).toBeUndefined();
  });
});
