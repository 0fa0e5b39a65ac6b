import { z } from 'zod';
import { RefusedError } from '../errors.js';
import type { DeploymentRecord } from '../ports/deployments.js';
import { renderDeployPreview } from '../render/deploy.js';
import { executeDeploy } from './deploy/execute-deploy.js';
import { fleetContext } from './deploy/fleet-context.js';
import { isNoop, prepareDeploy, type PreparedDeploy } from './deploy/prepare-deploy.js';
import type { JobContext, JobKind } from './job-kind.js';

const payloadSchema = z.object({ service: z.string(), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/**
 * The version to go back to: the newest successful deployment whose version differs from the
 * newest record (after a failed deploy, that is the version that ran before it).
 */
export function rollbackTarget(history: DeploymentRecord[], service: string, environment: string): { current: DeploymentRecord; target: DeploymentRecord } {
  const current = history[0];
  if (!current) throw new RefusedError(`No deployment of ${service} is recorded in ${environment}: nothing to roll back to.`);
  const target = history.find((r) => r.outcome === 'succeeded' && r.version !== current.version);
  if (!target) throw new RefusedError(`No version of ${service} other than ${current.version} is recorded in ${environment}: nothing to roll back to. \`/dev deployments ${service}\` shows the history.`);
  return { current, target };
}

async function prepare(payload: Payload, ctx: Pick<JobContext, 'deps' | 'signal'>): Promise<PreparedDeploy & { target: DeploymentRecord }> {
  const history = await fleetContext(ctx.deps, payload.environment).deployments.list({ service: payload.service, limit: 50 });
  const { current, target } = rollbackTarget(history, payload.service, payload.environment);
  const prepared = await prepareDeploy(ctx, { ...payload, version: target.version, from: current.version });
  return { ...prepared, target };
}

/** `/dev rollback <service>`: redeploys the previous recorded version, the same careful way as a deploy. */
export const rollbackJob: JobKind<Payload> = {
  kind: 'rollback',
  payloadSchema,
  title: (p) => `Rollback of ${p.service} (${p.environment})`,

  async preview(payload, ctx) {
    const { plan, spec } = await prepare(payload, ctx);
    return renderDeployPreview({ plan, spec, environment: payload.environment, kind: 'rollback' });
  },

  async run(payload, ctx) {
    const { progress } = ctx;
    const prepared = (await progress.step('Read the history and plan', () => prepare(payload, ctx))) ?? (await prepare(payload, ctx));
    const { plan, target } = prepared;
    const differs = plan.changes.filter((c) => target.units[c.unit.name] !== undefined && target.units[c.unit.name] !== c.unit.hash);
    progress.log(`Rolling back to ${target.version}, deployed ${target.at} by <@${target.user}> (job ${target.jobId}).`);
    if (differs.length) progress.log(`The catalog changed since then: ${differs.map((c) => c.unit.name).join(', ')} will differ from the recorded unit files in more than the version.`);
    if (isNoop(plan)) {
      await progress.finish('succeeded', `${plan.service} already runs ${plan.to} in ${payload.environment}: nothing to roll back.`);
      return;
    }
    await progress.finish('succeeded', await executeDeploy({ ctx, ...prepared, kind: 'rollback' }));
  },
};
