import type { DeploymentRecord } from '../../ports/deployments.js';
import type { JobContext } from '../job-kind.js';
import type { DeployPlan } from './plan-deploy.js';

/** The history entry of one service's rollout: its version change and the unit hashes it submitted. */
export function deploymentRecord(
  ctx: Pick<JobContext, 'deps' | 'data' | 'jobId'>,
  plan: DeployPlan,
  kind: DeploymentRecord['kind'],
  outcome: DeploymentRecord['outcome'],
  detail?: string,
): DeploymentRecord {
  const units = Object.fromEntries([...(plan.template ? [plan.template] : []), ...plan.changes].map((c) => [c.unit.name, c.unit.hash]));
  return {
    service: plan.service, version: plan.to, previousVersion: plan.from, kind, outcome, units,
    user: ctx.data.requestedBy.user, at: ctx.deps.now().toISOString(), jobId: ctx.jobId, ...(detail ? { detail } : {}),
  };
}
