import { z } from 'zod';
import { ETCD_ACTIONS } from '../commands/command.js';
import type { JobKind } from './job-kind.js';
import { ETCD_ACTION_HANDLERS } from './etcd/actions.js';

const payloadSchema = z.object({
  action: z.enum(ETCD_ACTIONS),
  environment: z.string(),
  member: z.string().optional(),
  peerUrl: z.string().optional(),
  force: z.boolean().optional(),
});
export type EtcdPayload = z.infer<typeof payloadSchema>;

/**
 * `/dev etcd <action>`: repairing etcd. Each action is one handler under jobs/etcd/ (members,
 * replace, snapshot, backups, drill, recover); this file only routes to it. A membership change
 * (replace) is confirmed first and holds `etcd@<env>` (commands/confirmation-policy.ts).
 */
export const etcdJob: JobKind<EtcdPayload> = {
  kind: 'etcd',
  payloadSchema,
  title: (p) => ETCD_ACTION_HANDLERS[p.action].title(p),
  async preview(payload, ctx) {
    const handler = ETCD_ACTION_HANDLERS[payload.action];
    return handler.preview ? handler.preview(payload, ctx) : { text: handler.title(payload) };
  },
  run: (payload, ctx) => ETCD_ACTION_HANDLERS[payload.action].run(payload, ctx),
};
