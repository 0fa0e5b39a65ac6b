import { renderReplacePreview } from '../../render/etcd-replace.js';
import type { EtcdPayload } from '../etcd.job.js';
import type { EtcdAction } from './actions.js';
import { environmentOf } from './environment-of.js';
import { planReplace } from './replace/plan-replace.js';
import { replaceMember } from './replace/replace-member.js';

/**
 * `/dev etcd replace <member> [--peer-url URL] [--force]`: remove a failed member, add its
 * replacement as a learner, wait for it to catch up, promote it (replace/replace-member.ts, which
 * `/dev replace` of a main node runs too).
 */
export const replaceAction: EtcdAction = {
  title: (p) => `etcd: replace ${p.member ?? 'a member'} in ${p.environment}`,

  async preview(payload, ctx) {
    const plan = await planReplace(payload, ctx);
    return renderReplacePreview(plan, payload.environment, environmentOf(payload, ctx).etcd.replace);
  },

  async run(payload: EtcdPayload, ctx) {
    const { summary } = await replaceMember(payload, ctx);
    await ctx.progress.finish('succeeded', summary);
  },
};
