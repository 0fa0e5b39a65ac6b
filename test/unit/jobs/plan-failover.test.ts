import { describe, expect, it } from 'vitest';
import { RefusedError } from '../../../src/errors.js';
import { planFailover } from '../../../src/jobs/failover/plan-failover.js';
import type { ClusterHealth } from '../../../src/ports/cluster.js';
import type { Candidate, ElectionView } from '../../../src/ports/elections.js';

const config = { electionPrefix: 'postgres', candidates: 3, leaseTtlSeconds: 10, failoverTimeoutMs: 15_000 };
const healthy: ClusterHealth = { members: [], hasQuorum: true, quorumReason: '3 of 3 agree', checkedAt: new Date(0), tookMs: 1, leader: 'e1' };
const lost: ClusterHealth = { ...healthy, hasQuorum: false, quorumReason: '2 of 3 members unreachable' };

function candidate(name: string, rev: number, healthyFlag?: boolean): Candidate {
  return { key: `postgres/${rev.toString(16)}`, name, leaseId: String(rev * 1000), leaseHex: (rev * 1000).toString(16), createRevision: rev, healthy: healthyFlag, fields: { name } };
}
const view = (...candidates: Candidate[]): ElectionView => ({ prefix: 'postgres', candidates, leader: candidates[0], revision: 99 });
const plan = (v: ElectionView, opts: { to?: string; health?: ClusterHealth } = {}) =>
  planFailover({ database: 'postgres', config, health: opts.health ?? healthy, view: v, to: opts.to });

describe('planFailover', () => {
  const pg1 = candidate('pg-1', 10);
  const pg2 = candidate('pg-2', 11);
  const pg3 = candidate('pg-3', 12);

  it('hands leadership to the next one in line by revoking only the leader', () => {
    const p = plan(view(pg1, pg2, pg3));
    expect([p.leader.name, p.next.name, p.revoke.map((c) => c.name)]).toEqual(['pg-1', 'pg-2', ['pg-1']]);
  });

  it('with --to, revokes the candidates ahead of it first and the leader last', () => {
    const p = plan(view(pg1, pg2, pg3), { to: 'pg-3' });
    expect(p.next.name).toBe('pg-3');
    expect(p.revoke.map((c) => c.name)).toEqual(['pg-2', 'pg-1']);
  });

  it('skips unhealthy candidates when choosing the next leader', () => {
    const p = plan(view(pg1, candidate('pg-2', 11, false), candidate('pg-3', 12, true)));
    expect(p.next.name).toBe('pg-3');
    expect(p.revoke.map((c) => c.name)).toEqual(['pg-2', 'pg-1']);
  });

  const refusals: Array<[string, () => unknown, RegExp]> = [
    ['no quorum', () => plan(view(pg1, pg2), { health: lost }), /no quorum \(2 of 3 members unreachable\)/],
    ['no candidates at all', () => plan(view()), /no leader and no candidates under `postgres\/`/],
    ['only the leader lives', () => plan(view(pg1)), /pg-1 is the only live candidate of postgres \(expected 3\)/],
    ['only unhealthy others', () => plan(view(pg1, candidate('pg-2', 11, false))), /No other healthy candidate/],
    ['--to names nobody', () => plan(view(pg1, pg2), { to: 'pg-9' }), /--to pg-9: no live candidate .* Live now: pg-1 \(leader\), pg-2/],
    ['--to names the leader', () => plan(view(pg1, pg2), { to: 'pg-1' }), /pg-1 already leads/],
    ['--to names an unhealthy one', () => plan(view(pg1, candidate('pg-2', 11, false)), { to: 'pg-2' }), /reports itself unhealthy/],
  ];
  it.each(refusals)('refuses when %s, saying why', (_label, run, message) => {
    expect(run).toThrow(RefusedError);
    expect(run).toThrow(message);
  });
});
