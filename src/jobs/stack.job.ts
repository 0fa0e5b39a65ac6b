import { z } from 'zod';
import { STACK_ACTIONS } from '../commands/command.js';
import type { JobKind } from './job-kind.js';
import { previewApply } from './stack/preview-apply.js';
import { runApply } from './stack/run-apply.js';
import { runDiff } from './stack/run-diff.js';
import { changeSetNameFor, setupStack } from './stack/stack-setup.js';

const payloadSchema = z.object({ action: z.enum(STACK_ACTIONS), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/**
 * `/dev stack diff|create|update`: the environment's CloudFormation stack, generated from its
 * config (src/stack/) and changed only through change sets. The change set of a create or update
 * is named after the job that runs it, so the preview makes it, the confirmed run executes that
 * very one, and a run resumed on another worker finds it again. One stack operation at a time per
 * environment (lock `stack@<env>`).
 */
export const stackJob: JobKind<Payload> = {
  kind: 'stack',
  payloadSchema,
  title: (p) => `Stack ${p.action} in ${p.environment}`,

  async preview(payload, ctx) {
    const s = setupStack(payload.environment, ctx.deps);
    if (payload.action === 'diff') return { text: `This shows what an update of ${s.stackName} would change.` };
    // The id the job will run under once confirmed (as runJob assigns it).
    const runJobId = ctx.data.runJobId ?? `${ctx.jobId}-run`;
    return previewApply(payload.action, s, changeSetNameFor('devbot', runJobId));
  },

  async run(payload, ctx) {
    const s = setupStack(payload.environment, ctx.deps);
    if (payload.action === 'diff') return runDiff(s, changeSetNameFor('devbot-diff', ctx.jobId), ctx);
    return runApply(payload.action, s, changeSetNameFor('devbot', ctx.jobId), ctx);
  },
};
