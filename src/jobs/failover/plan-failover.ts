import type { DatabaseConfig } from '../../config/schema.js';
import { RefusedError } from '../../errors.js';
import type { ClusterHealth } from '../../ports/cluster.js';
import type { Candidate, ElectionView } from '../../ports/elections.js';

export interface FailoverPlan {
  database: string;
  prefix: string;
  leader: Candidate;
  /** Who should lead afterwards: the next healthy one in line, or `--to`. */
  next: Candidate;
  /**
   * Leases to revoke, in order: the candidates between the leader and `next` first (they are not
   * leading, so nothing moves yet), the leader last — leadership then moves once, straight to `next`.
   */
  revoke: Candidate[];
}

const describe = (c: Candidate) => `${c.name}${c.healthy === false ? ' (unhealthy)' : ''}`;
const usable = (c: Candidate) => c.healthy !== false;

/**
 * Decides a failover, or refuses it with a reason and what to check. Pure: the same inputs give the
 * same plan, so the preview and the job agree. Candidates that do not report health (plain
 * `etcdctl elect` proposals) count as healthy.
 */
export function planFailover(input: { database: string; config: DatabaseConfig; health: ClusterHealth; view: ElectionView; to?: string }): FailoverPlan {
  const { database, config, health, view, to } = input;
  if (!health.hasQuorum) {
    throw new RefusedError(`etcd has no quorum (${health.quorumReason}). Failover is refused: without quorum no new leader can be elected safely. Bring etcd back first (\`/dev status\`).`);
  }
  const [leader, ...rest] = view.candidates;
  if (!leader) {
    throw new RefusedError(`${database} has no leader and no candidates under \`${view.prefix}/\`: there is nothing to fail over. Check that its candidates are running (expected ${config.candidates}).`);
  }
  const line = view.candidates.map((c, i) => `${describe(c)}${i === 0 ? ' (leader)' : ''}`).join(', ');
  let next: Candidate | undefined;
  if (to) {
    next = view.candidates.find((c) => c.name === to);
    if (!next) throw new RefusedError(`--to ${to}: no live candidate of ${database} has that name. Live now: ${line}.`);
    if (next === leader) throw new RefusedError(`${to} already leads ${database}; nothing to do.`);
    if (!usable(next)) throw new RefusedError(`--to ${to}: that candidate reports itself unhealthy (${JSON.stringify(next.fields)}). Pick a healthy one: ${line}.`);
  } else {
    next = rest.find(usable);
    if (!next) {
      throw new RefusedError(
        rest.length === 0
          ? `${leader.name} is the only live candidate of ${database} (expected ${config.candidates}): nobody could take over. Start the other candidates first.`
          : `No other healthy candidate of ${database}: ${line}. Failover refused.`,
      );
    }
  }
  const between = view.candidates.slice(1, view.candidates.indexOf(next));
  return { database, prefix: view.prefix, leader, next, revoke: [...between, leader] };
}
