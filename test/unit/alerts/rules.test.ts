import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/alerts/rule.js';
import { ALERT_RULES } from '../../../src/alerts/rules/index.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { EtcdMemberHealth } from '../../../src/ports/cluster.js';
import type { Candidate } from '../../../src/ports/elections.js';

const config = loadConfig({ documents: ['environments:\n  prod:\n    etcd: { endpoints: [http://a:2379] }\n    databases: { postgres: { electionPrefix: postgres, candidates: 3 } }'] }).environments['prod']!;

const member = (name: string, over: Partial<EtcdMemberHealth> = {}): EtcdMemberHealth => ({
  name, id: name, clientUrl: `http://${name}:2379`, reachable: true, isLeader: name === 'e1', leaderId: 'e1', raftTerm: 2, raftIndex: 10, dbSizeBytes: 20_000, errors: [], alarms: [], ...over,
});
const down = (name: string) => member(name, { reachable: false, isLeader: false, leaderId: '', errors: ['cannot connect (ECONNREFUSED)'] });
const candidate = (name: string, rev: number): Candidate => ({ key: `postgres/${rev}`, name, leaseId: `${rev}`, leaseHex: rev.toString(16), createRevision: rev, fields: { name } });

function snapshot(members: EtcdMemberHealth[], opts: { hasQuorum: boolean; leader?: string; candidates?: Candidate[] }): Snapshot {
  return {
    environment: 'prod', config, at: new Date(0),
    etcd: { members, hasQuorum: opts.hasQuorum, leader: opts.leader, quorumReason: opts.hasQuorum ? 'ok' : '2 of 3 members unreachable', checkedAt: new Date(0), tookMs: 1 },
    databases: { postgres: { view: { prefix: 'postgres', candidates: opts.candidates ?? [candidate('pg-1', 1), candidate('pg-2', 2), candidate('pg-3', 3)], leader: (opts.candidates ?? [candidate('pg-1', 1)])[0], revision: 9 } } },
  };
}
const fired = (now: Snapshot, previous?: Snapshot) => ALERT_RULES.flatMap((r) => r.evaluate(now, previous).map((f) => `${r.name}/${f.subject}`));

describe('alert rules', () => {
  it('a healthy cluster raises nothing', () => {
    expect(fired(snapshot([member('e1'), member('e2'), member('e3')], { hasQuorum: true, leader: 'e1' }))).toEqual([]);
  });

  it('two of three down: one quorum alert naming both, and no per-member warnings', () => {
    const s = snapshot([member('e1', { leaderId: '', isLeader: false }), down('e2'), down('e3')], { hasQuorum: false });
    expect(fired(s)).toEqual(['etcd-quorum-lost/cluster']);
    const finding = ALERT_RULES[0]!.evaluate(s)[0]!;
    expect(finding.details.join('\n')).toMatch(/e2 .*unreachable[\s\S]*e3 .*unreachable/);
    expect(finding.advice).toMatch(/Bring back e2, e3/);
  });

  it('one of three down: a member warning, not a quorum alert', () => {
    expect(fired(snapshot([member('e1'), member('e2'), down('e3')], { hasQuorum: true, leader: 'e1' }))).toEqual(['etcd-member-unreachable/e3']);
  });

  it('the slot of a member being replaced, its learner not started yet, raises nothing; a member down beside it still does', () => {
    const joining = { ...down('http://127.0.0.1:2003'), joining: true };
    expect(fired(snapshot([member('e1'), member('e2'), joining], { hasQuorum: true, leader: 'e1' }))).toEqual([]);
    expect(fired(snapshot([member('e1'), down('e2'), member('e3'), member('e4'), joining], { hasQuorum: true, leader: 'e1' }))).toEqual(['etcd-member-unreachable/e2']);
  });

  it('a majority answering without a leader is "no leader", not "quorum lost"', () => {
    const s = snapshot([member('e1', { leaderId: '' }), member('e2', { leaderId: '' }), down('e3')], { hasQuorum: false });
    expect(fired(s)).toEqual(['etcd-no-leader/cluster']);
  });

  it('the second after the leader died (2 of 3 answer, still naming it, no read answers) is "no leader", not "quorum lost"', () => {
    const s = snapshot([down('e1'), member('e2'), member('e3')], { hasQuorum: false });
    expect(fired(s)).toEqual(['etcd-no-leader/cluster']);
    const finding = ALERT_RULES.find((r) => r.name === 'etcd-no-leader')!.evaluate(s)[0]!;
    expect(finding.summary).toMatch(/2 member\(s\) answer, no leader serves reads/);
    expect(finding.details).toEqual(['e2: term 2, believes e1 leads', 'e3: term 2, believes e1 leads']);
    expect(ALERT_RULES.find((r) => r.name === 'etcd-no-leader')!.forMs).toBeGreaterThanOrEqual(2000);
  });

  it('a leader change is an event, seen against the previous snapshot', () => {
    const before = snapshot([member('e1'), member('e2'), member('e3')], { hasQuorum: true, leader: 'e1' });
    const after = snapshot([member('e1'), member('e2'), member('e3')], { hasQuorum: true, leader: 'e2' });
    expect(fired(after, before)).toEqual(['etcd-leader-changed/e1->e2']);
  });

  it('alarms and a db near its quota', () => {
    const s = snapshot([member('e1', { alarms: ['NOSPACE'], dbSizeBytes: 0.9 * 2 * 1024 ** 3 }), member('e2'), member('e3')], { hasQuorum: true, leader: 'e1' });
    expect(fired(s)).toEqual(['etcd-alarm/NOSPACE', 'etcd-db-size/e1']);
  });

  it('a database with no candidates has no leader; with fewer than expected, a warning', () => {
    expect(fired(snapshot([member('e1'), member('e2'), member('e3')], { hasQuorum: true, leader: 'e1', candidates: [] }))).toEqual(['database-no-leader/postgres']);
    expect(fired(snapshot([member('e1'), member('e2'), member('e3')], { hasQuorum: true, leader: 'e1', candidates: [candidate('pg-2', 2)] }))).toEqual(['database-few-candidates/postgres']);
  });
});
