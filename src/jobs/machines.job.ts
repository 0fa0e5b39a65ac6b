import { z } from 'zod';
import { stackNameOf } from '../config/aws-schema.js';
import { ConfigError } from '../errors.js';
import type { StackInstance } from '../ports/instances.js';
import { AwsNotConfiguredError } from '../ports/stacks.js';
import { renderMachines } from '../render/machines.js';
import { fleetOf } from './deploy/fleet-context.js';
import type { JobContext, JobKind } from './job-kind.js';
import { joinMachines } from './machines/join-machines.js';

const payloadSchema = z.object({ environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/** The stack's instances, or why there are none to show: AWS is not configured for the environment. */
async function readInstances(environment: string, ctx: JobContext): Promise<{ instances?: StackInstance[]; note?: string }> {
  const aws = ctx.deps.config.environments[environment]?.aws;
  if (!aws) return { note: `AWS is not configured for ${environment} (\`environments.${environment}.aws\`): these are fleet's machines only, without their EC2 instances.` };
  try {
    return { instances: await ctx.deps.instancesFor(environment).stackInstances(stackNameOf(environment, aws), { signal: ctx.signal }) };
  } catch (e) {
    // No credentials or region: still worth showing what fleet knows.
    if (e instanceof ConfigError || e instanceof AwsNotConfiguredError) return { note: `${e.userFacing} These are fleet's machines only.` };
    throw e;
  }
}

/** `/dev machines`: read-only; fleet's machines joined with the stack's EC2 instances by private IP. */
export const machinesJob: JobKind<Payload> = {
  kind: 'machines',
  payloadSchema,
  readsOnly: true,
  title: (p) => `Machines of ${p.environment}`,
  async run(payload, ctx) {
    const { scheduler } = fleetOf(ctx.deps, payload.environment);
    const [machines, states, aws] = await Promise.all([
      scheduler.machines({ signal: ctx.signal }),
      scheduler.states({ signal: ctx.signal }),
      readInstances(payload.environment, ctx),
    ]);
    const joined = joinMachines(machines, states, aws.instances);
    const message = renderMachines(payload.environment, joined, aws.note);
    await ctx.progress.finish('succeeded', message.text.split('\n')[0] ?? '', message);
  },
};
