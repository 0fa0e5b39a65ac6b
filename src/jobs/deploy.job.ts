import { z } from 'zod';
import { renderDeployPreview } from '../render/deploy.js';
import { executeDeploy } from './deploy/execute-deploy.js';
import { isNoop, prepareDeploy } from './deploy/prepare-deploy.js';
import type { JobKind } from './job-kind.js';

const payloadSchema = z.object({ service: z.string(), version: z.string().optional(), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/**
 * `/dev deploy <service> [--version V]`: renders the service's units from the catalog, then rolls
 * them out through fleet one instance at a time, each active and healthy before the next; records
 * the outcome in etcd; on a failure stops, says which unit failed and how, and offers a rollback.
 */
export const deployJob: JobKind<Payload> = {
  kind: 'deploy',
  payloadSchema,
  title: (p) => `Deploy of ${p.service}${p.version ? ` ${p.version}` : ''} (${p.environment})`,

  async preview(payload, ctx) {
    const { plan, spec } = await prepareDeploy(ctx, payload);
    return renderDeployPreview({ plan, spec, environment: payload.environment, kind: 'deploy' });
  },

  async run(payload, ctx) {
    const { progress } = ctx;
    const prepared = (await progress.step('Read fleet and plan', () => prepareDeploy(ctx, payload))) ?? (await prepareDeploy(ctx, payload));
    const { plan } = prepared;
    progress.log(`Plan: ${plan.from ?? '(nothing recorded)'} → ${plan.to}; ${[...plan.changes.map((c) => `${c.unit.name} ${c.action}`), ...plan.remove.map((u) => `${u} remove`)].join(', ')}`);
    if (isNoop(plan)) {
      await progress.finish('succeeded', `${plan.service} already runs ${plan.to} in ${payload.environment}: ${plan.changes.length}/${plan.changes.length} active, nothing to change.`);
      return;
    }
    await progress.finish('succeeded', await executeDeploy({ ctx, ...prepared, kind: 'deploy' }));
  },
};
