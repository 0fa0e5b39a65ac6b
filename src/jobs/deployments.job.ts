import { z } from 'zod';
import { renderDeployments } from '../render/deployments.js';
import type { JobKind } from './job-kind.js';

const payloadSchema = z.object({ service: z.string().optional(), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/** `/dev deployments [service]`: the deployment history recorded in the environment's etcd. */
export const deploymentsJob: JobKind<Payload> = {
  kind: 'deployments',
  readsOnly: true,
  payloadSchema,
  title: (p) => `Deployments${p.service ? ` of ${p.service}` : ''} (${p.environment})`,
  async run(payload, ctx) {
    const records = await ctx.deps.deploymentsFor(payload.environment).list({ service: payload.service, limit: 25 });
    const message = renderDeployments(records, payload);
    await ctx.progress.finish('succeeded', `${records.length} deployment${records.length === 1 ? '' : 's'} recorded`, message);
  },
};
