import { z } from 'zod';
import { renderStatus } from '../render/status.js';
import { collectStatus } from '../status/collect-status.js';
import { STATUS_PARTS } from '../status/parts/index.js';
import type { JobKind } from './job-kind.js';

/** `/dev status`: collect every part of the report under one deadline and post it to the channel. */
export const statusJob: JobKind<{ environment: string }> = {
  kind: 'status',
  payloadSchema: z.object({ environment: z.string() }),
  async run(payload, ctx) {
    const { deps } = ctx;
    const started = Date.now();
    const sections = await collectStatus(
      STATUS_PARTS,
      { environment: payload.environment, config: deps.config, cluster: deps.clusterFor(payload.environment), queue: deps.queue },
      deps.config.status.deadlineMs,
    );
    const message = renderStatus({
      environment: payload.environment,
      sections,
      generatedAt: deps.now(),
      tookMs: Date.now() - started,
      requestedBy: ctx.data.transport.kind === 'slack' ? ctx.data.requestedBy.user : undefined,
    });
    await ctx.chat.post(ctx.data.requestedBy.channel, message);
  },
};
