import { z } from 'zod';
import { boardLines, describeConverged, describeFailedConverge, planLines, renderConvergePreview } from '../render/converge.js';
import { RefusedError } from '../errors.js';
import { fencedScheduler } from './deploy/fenced-scheduler.js';
import { convergeService } from './converge/converge-service.js';
import { convergeIsNoop, type ConvergePlan } from './converge/plan-converge.js';
import { prepareConverge } from './converge/prepare-converge.js';
import { runServices } from './converge/run-services.js';
import type { ServiceStatus } from './converge/service-status.js';
import type { JobContext, JobKind } from './job-kind.js';

const payloadSchema = z.object({ environment: z.string(), only: z.array(z.string()).optional(), prune: z.boolean().default(false) });
type Payload = z.infer<typeof payloadSchema>;

async function prepare(payload: Payload, ctx: JobContext) {
  let prepared: Awaited<ReturnType<typeof prepareConverge>> | undefined;
  await ctx.progress.step('Read the catalog and fleet, and plan', async () => {
    prepared = await prepareConverge(ctx, payload);
    return true;
  });
  // Planned by an earlier attempt of this job: plan again, from what runs now.
  return prepared ?? (await prepareConverge(ctx, payload));
}

/** Units fleet has that the catalog does not know: destroyed with --prune, after the services. */
async function prune(plan: ConvergePlan, ctx: JobContext, scheduler: ReturnType<typeof fencedScheduler>): Promise<string[]> {
  if (!plan.prune) return [];
  for (const unit of plan.unknown) await ctx.progress.step(`Remove ${unit} (not in the catalog)`, () => scheduler.destroy(unit));
  return plan.unknown;
}

/**
 * `/dev converge [--only svc,…] [--prune]`: brings fleet to what the catalog says. Every service is
 * planned as a deploy at the catalog's version; those to change roll out in dependency order, up to
 * `fleet.convergeParallelism` at once, each exactly as `/dev deploy` rolls it (jobs/deploy/roll-out.ts)
 * under its own deploy lock. The message keeps one line per service; the steps go to its thread.
 */
export const convergeJob: JobKind<Payload> = {
  kind: 'converge',
  payloadSchema,
  title: (p) => `Converge of ${p.environment}${p.only ? ` (${p.only.join(', ')})` : ''}${p.prune ? ' with --prune' : ''}`,

  async preview(payload, ctx) {
    const { plan } = await prepareConverge(ctx, payload);
    return renderConvergePreview(plan);
  },

  async run(payload, ctx) {
    const started = Date.now();
    const { progress, signal } = ctx;
    const { fc, plan } = await prepare(payload, ctx);
    for (const line of planLines(plan)) progress.log(`Plan: ${line}`);
    const status = new Map<string, ServiceStatus>();
    // A service that started but waits for its lock (a deploy of it runs) says so in its line.
    const lockWaits = new Map<string, string>();
    const show = (s: Map<string, ServiceStatus>) => {
      const view = new Map([...s].map(([n, st]): [string, ServiceStatus] => [n, st.state === 'starting' && lockWaits.has(n) ? { state: 'locked', detail: lockWaits.get(n)! } : st]));
      progress.board?.(boardLines(plan, view));
    };
    if (convergeIsNoop(plan)) {
      for (const sp of plan.services) status.set(sp.service, { state: 'kept' });
      show(status);
      await progress.finish('succeeded', describeConverged(plan, status, Date.now() - started, []));
      return;
    }
    const scheduler = fencedScheduler(fc.scheduler, ctx.fence);
    const machines = await scheduler.machines({ signal });
    const byName = new Map(plan.services.map((s) => [s.service, s]));
    let live = status;
    const ended = await runServices(plan.services.map((s) => ({ service: s.service, kept: s.action === 'keep', needs: s.needs })), {
      parallelism: plan.parallelism,
      signal,
      onChange: (s) => show((live = s)),
      run: (service) => convergeService(byName.get(service)!, {
        ctx, fc, machines, prune: plan.prune,
        onLockWait: (detail) => {
          if (detail === undefined) lockWaits.delete(service);
          else lockWaits.set(service, detail);
          show(live);
        },
      }),
    });
    signal.throwIfAborted();
    if ([...ended.values()].some((s) => s.state === 'failed')) throw new RefusedError(describeFailedConverge(plan.environment, ended));
    const removed = await prune(plan, ctx, scheduler);
    await progress.finish('succeeded', describeConverged(plan, ended, Date.now() - started, removed));
  },
};
