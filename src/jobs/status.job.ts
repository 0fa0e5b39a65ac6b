import { z } from 'zod';
import { renderStatus } from '../render/status.js';
import { collectStatus } from '../status/collect-status.js';
import { STATUS_PARTS } from '../status/parts/index.js';
import type { JobKind } from './job-kind.js';

/** `/dev status`: collect every part of the report under one deadline; the report becomes the job's message. */
export const statusJob: JobKind<{ environment: string }> = {
  kind: 'status',
  readsOnly: true,
  payloadSchema: z.object({ environment: z.string() }),
  title: ({ environment }) => `Status of ${environment}`,
  async run(payload, ctx) {
    const { deps } = ctx;
    const started = Date.now();
    const env = payload.environment;
    const aws = deps.config.environments[env]?.aws ? { stacks: deps.stacksFor(env), groups: deps.groupsFor(env) } : {};
    const fleet = deps.config.environments[payload.environment]?.fleet ? { scheduler: deps.schedulerFor(payload.environment) } : {};
    const backups = deps.config.environments[env]?.etcd.backup ? { backups: deps.backupsFor(env), backupAttempts: deps.backupAttempts } : {};
    const sections = await collectStatus(
      STATUS_PARTS,
      { environment: payload.environment, config: deps.config, cluster: deps.clusterFor(payload.environment), elections: deps.electionsFor(payload.environment), queue: deps.queue, log: ctx.log, now: deps.now, ...fleet, ...aws, ...backups, ...(deps.remediation ? { remediation: deps.remediation } : {}) },
      deps.config.status.deadlineMs,
    );
    const report = renderStatus({
      environment: payload.environment,
      sections,
      generatedAt: deps.now(),
      tookMs: Date.now() - started,
      requestedBy: ctx.data.transport.kind === 'slack' ? ctx.data.requestedBy.user : undefined,
      jobId: ctx.jobId,
    });
    const worst = sections.filter((s) => s.level === 'critical').map((s) => s.title);
    await ctx.progress.finish('succeeded', worst.length ? `Problems in: ${worst.join(', ')}` : 'All parts healthy.', report);
  },
};
