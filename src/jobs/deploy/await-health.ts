import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthCheckSpec, HealthResult, HealthTarget, Scheduler } from '../../ports/scheduler.js';
import type { HealthSpec } from '../../units/catalog-schema.js';

export function healthCheckOf(h: HealthSpec): HealthCheckSpec {
  return h.http !== undefined ? { http: h.http, timeoutMs: h.timeoutMs } : { command: h.command ?? [], timeoutMs: h.timeoutMs };
}

/**
 * Checks an instance until it passes (or warns), or until `withinMs` is spent: a service that just
 * became active may need a while before it answers. Returns the last result.
 */
export async function awaitHealth(scheduler: Scheduler, spec: HealthSpec, target: HealthTarget, opts: { signal: AbortSignal; log(line: string): void }): Promise<HealthResult> {
  const giveUpAt = Date.now() + spec.withinMs;
  let said = '';
  for (;;) {
    opts.signal.throwIfAborted();
    const result = await scheduler.checkHealth(healthCheckOf(spec), target, { signal: opts.signal });
    if (result.status !== 'critical' || Date.now() + spec.intervalMs > giveUpAt) return result;
    if (result.output !== said) opts.log(`${target.unit}: not healthy yet (${(said = result.output)})`);
    await sleep(spec.intervalMs, undefined, { signal: opts.signal });
  }
}
