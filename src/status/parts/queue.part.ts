import type { StatusPart } from '../../ports/status.js';

/** The job queue: waiting / active / failed counts and live workers. */
export const queuePart: StatusPart = {
  name: 'queue',
  async collect(ctx) {
    const c = await ctx.queue.counts();
    const noWorkers = c.workers === 0;
    return {
      title: 'queue',
      level: noWorkers ? 'critical' : c.failed > 0 ? 'warn' : 'ok',
      summary: `${c.waiting} waiting, ${c.active} active, ${c.failed} failed, ${c.workers} worker${c.workers === 1 ? '' : 's'} live`,
      lines: [
        { label: 'waiting', value: String(c.waiting + c.delayed), level: 'info' },
        { label: 'active', value: String(c.active), level: 'info' },
        { label: 'failed', value: String(c.failed), level: c.failed > 0 ? 'warn' : 'ok' },
        { label: 'workers', value: noWorkers ? 'none — start one with `devbot worker`' : String(c.workers), level: noWorkers ? 'critical' : 'ok' },
      ],
    };
  },
};
