import { z } from 'zod';
import type { DatabaseConfig } from '../config/schema.js';
import { RefusedError, UsageError } from '../errors.js';
import type { ElectionFence, ElectionView } from '../ports/elections.js';
import { describeCandidate, renderFailoverPreview } from '../render/failover.js';
import { planFailover, type FailoverPlan } from './failover/plan-failover.js';
import type { JobContext, JobKind } from './job-kind.js';

const payloadSchema = z.object({ database: z.string(), to: z.string().optional(), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

function databaseConfig(payload: Payload, ctx: Pick<JobContext, 'deps'>): DatabaseConfig {
  const db = ctx.deps.config.environments[payload.environment]?.databases[payload.database];
  if (!db) {
    const known = Object.keys(ctx.deps.config.environments[payload.environment]?.databases ?? {});
    throw new UsageError(`No database '${payload.database}' in ${payload.environment}. Known: ${known.join(', ') || 'none (add it under environments.${payload.environment}.databases)'}.`);
  }
  return db;
}

/** Reads quorum and candidates, and plans (or refuses) the failover. */
async function plan(payload: Payload, ctx: Pick<JobContext, 'deps'>): Promise<{ plan: FailoverPlan; view: ElectionView }> {
  const config = databaseConfig(payload, ctx);
  const [health, read] = await Promise.all([
    ctx.deps.clusterFor(payload.environment).health(),
    ctx.deps.electionsFor(payload.environment).read(config.electionPrefix).then((view) => ({ view }), (error: unknown) => ({ error })),
  ]);
  // Without quorum the read fails too; the quorum refusal is the answer that says what to do.
  const view = 'view' in read ? read.view : health.hasQuorum ? Promise.reject(read.error) : { prefix: config.electionPrefix, candidates: [], revision: 0 };
  const resolved = await view;
  return { plan: planFailover({ database: payload.database, config, health, view: resolved, to: payload.to }), view: resolved };
}

/** Where the fencing token of a lock target lives in its environment's etcd. */
export const fenceKeyOf = (lockTarget: string) => `devbot/fences/${lockTarget}`;

function electionFence(ctx: JobContext): ElectionFence {
  const { target, token } = ctx.fence;
  if (!target || token === undefined) throw new RefusedError('A failover runs only under the lock of its database, and this job holds none.');
  return { key: fenceKeyOf(target), token };
}

/**
 * `/dev failover <database> [--to candidate]`: moves leadership by revoking leases, the way the
 * candidates' own protocol expects a leader to go. The steps are written so that a job resumed on
 * another worker neither revokes twice nor loses track of the old leader.
 */
export const failoverJob: JobKind<Payload> = {
  kind: 'failover',
  payloadSchema,
  title: (p) => `Failover of ${p.database} (${p.environment})`,

  async preview(payload, ctx) {
    const { plan: p, view } = await plan(payload, ctx);
    return renderFailoverPreview(p, view.candidates, payload.environment);
  },

  async run(payload, ctx) {
    const { deps, progress, signal } = ctx;
    const config = databaseConfig(payload, ctx);
    const elections = deps.electionsFor(payload.environment);
    // Planned again: the line may have moved between preview and confirmation.
    const decided = await progress.step('Check quorum and plan', async () => {
      const { plan: p } = await plan(payload, ctx);
      return { oldKey: p.leader.key, oldName: p.leader.name, next: p.next.name, revoke: p.revoke.map((c) => ({ name: c.name, key: c.key, leaseId: c.leaseId })) };
    });
    if (!decided) throw new RefusedError('The failover plan from the earlier attempt was lost; run the command again.');
    progress.log(`Plan: ${decided.oldName} → ${decided.next}; revoking ${decided.revoke.map((c) => c.name).join(', ')}`);
    // Every run claims the database's fence before it touches the line: from then on an earlier
    // run (a frozen worker that comes back, a job whose lock lapsed) can change nothing.
    const fence = electionFence(ctx);
    await elections.claimFence(fence);
    const started = Date.now();
    await progress.step(`Revoke the lease of ${decided.revoke.map((c) => c.name).join(', ')}`, async () => {
      for (const c of decided.revoke) {
        signal.throwIfAborted();
        await elections.removeCandidate(c, fence);
        progress.log(`revoked lease of ${c.name}`);
      }
      return true;
    });
    const after = await progress.step(`Wait for a new leader (up to ${Math.round(config.failoverTimeoutMs / 1000)} s)`, async () => {
      try {
        const view = await elections.waitForLeaderChange(config.electionPrefix, decided.oldKey, { timeoutMs: config.failoverTimeoutMs, signal });
        return { name: view.leader!.name, healthy: view.leader!.healthy, line: view.candidates.map(describeCandidate), tookMs: Date.now() - started };
      } catch (e) {
        if (signal.aborted) throw e;
        throw new RefusedError(
          `${(e as Error).message} Check that the other candidates are running and can reach etcd, and that ${decided.oldName}'s lease was really revoked (\`etcdctl lease list\`). Nothing else was changed.`,
        );
      }
    });
    if (!after) throw new RefusedError('The result of the earlier attempt was lost; check `/dev status`.');
    await progress.step('Verify the new leader', async () => {
      if (after.name === decided.oldName) throw new RefusedError(`${decided.oldName} campaigned again and leads again: its candidate must step back (fence) before re-campaigning.`);
      if (after.healthy === false) throw new RefusedError(`The new leader ${after.name} reports itself unhealthy. Check it now.`);
      if (payload.to && after.name !== payload.to) throw new RefusedError(`${after.name} leads, not ${payload.to}: another candidate joined ahead of it. Run the failover again with --to ${payload.to}.`);
      return true;
    });
    progress.log(`Candidates now: ${after.line.join(' | ')}`);
    await progress.finish('succeeded', `${payload.database}: ${decided.oldName} → ${after.name} in ${after.tookMs} ms.`);
  },
};
