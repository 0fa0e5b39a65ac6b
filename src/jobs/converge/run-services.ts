import type { ServiceOutcome, ServiceStatus } from './service-status.js';

export interface Schedulable {
  service: string;
  /** Kept services count as done from the start. */
  kept: boolean;
  needs: string[];
}

/**
 * Runs services in dependency order, up to `parallelism` at once: a service starts as soon as every
 * service it needs is active. After the first failure nothing new starts; those in flight finish.
 * Services that need a failed one end `blocked`, the others that never started `stopped`. Event
 * driven: it waits on the rollouts themselves, never on a timer. `onChange` sees every status change.
 */
export async function runServices(
  items: Schedulable[],
  opts: { parallelism: number; signal: AbortSignal; run(service: string): Promise<ServiceOutcome>; onChange(status: Map<string, ServiceStatus>): void },
): Promise<Map<string, ServiceStatus>> {
  const status = new Map<string, ServiceStatus>(items.map((i) => [i.service, i.kept ? { state: 'kept' } : { state: 'waiting', on: i.needs }]));
  const running = new Map<string, Promise<void>>();
  const ok = (s: string) => ['kept', 'active'].includes(status.get(s)?.state ?? 'kept');
  const broken = (s: string) => ['failed', 'blocked'].includes(status.get(s)?.state ?? '');
  let stopped = false;
  const pending = () => items.filter((i) => ['waiting', 'queued'].includes(status.get(i.service)!.state));
  for (;;) {
    for (const i of pending()) {
      const failedNeeds = i.needs.filter(broken);
      if (failedNeeds.length) status.set(i.service, { state: 'blocked', on: failedNeeds });
    }
    if (opts.signal.aborted) stopped = true;
    for (const i of pending()) {
      const open = i.needs.filter((n) => !ok(n));
      if (open.length) {
        status.set(i.service, { state: 'waiting', on: open });
      } else if (stopped || running.size >= opts.parallelism) {
        status.set(i.service, { state: 'queued' });
      } else {
        status.set(i.service, { state: 'starting' });
        const done = opts.run(i.service).catch((e: unknown): ServiceOutcome => ({ ok: false, error: (e as Error).message }));
        running.set(i.service, done.then((outcome) => {
          running.delete(i.service);
          status.set(i.service, outcome.ok ? { state: 'active', detail: outcome.detail } : { state: 'failed', error: outcome.error, unitState: outcome.unitState });
          if (!outcome.ok) stopped = true;
        }));
      }
    }
    opts.onChange(status);
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  for (const i of pending()) status.set(i.service, { state: 'stopped' });
  opts.onChange(status);
  return status;
}
