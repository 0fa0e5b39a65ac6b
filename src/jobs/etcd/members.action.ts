import { renderEtcdMembers, summariseMembers } from '../../render/etcd-members.js';
import type { EtcdAction } from './actions.js';

/** `/dev etcd members`: the member list with each member's status, read-only. */
export const membersAction: EtcdAction = {
  title: (p) => `etcd members in ${p.environment}`,
  async run(payload, ctx) {
    const view = await ctx.deps.membersFor(payload.environment).inspect();
    await ctx.progress.finish('succeeded', summariseMembers(view, payload.environment), renderEtcdMembers(view, payload.environment));
  },
};
