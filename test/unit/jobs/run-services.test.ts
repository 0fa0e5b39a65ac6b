import { describe, expect, it } from 'vitest';
import { runServices, type Schedulable } from '../../../src/jobs/converge/run-services.js';
import type { ServiceOutcome } from '../../../src/jobs/converge/service-status.js';

/** Rollouts the test ends by hand, so the order of events is the test's, not a clock's. */
function controlled() {
  const open = new Map<string, (o: ServiceOutcome) => void>();
  const started: string[] = [];
  let notify: () => void = () => {};
  return {
    started,
    running: () => [...open.keys()],
    run(service: string) {
      started.push(service);
      notify();
      return new Promise<ServiceOutcome>((resolve) => open.set(service, resolve));
    },
    end(service: string, outcome: ServiceOutcome = { ok: true, detail: 'up' }) {
      open.get(service)!(outcome);
      open.delete(service);
    },
    /** Resolves once `n` services have been started. */
    startedCount: (n: number) => new Promise<void>((resolve) => {
      const check = () => (started.length >= n ? resolve() : (notify = check));
      check();
    }),
  };
}

const items: Schedulable[] = [
  { service: 'amb', kept: false, needs: [] },
  { service: 'sync', kept: false, needs: [] },
  { service: 'kept', kept: true, needs: [] },
  { service: 'app', kept: false, needs: ['amb', 'sync', 'kept'] },
  { service: 'web', kept: false, needs: ['app'] },
  { service: 'solo', kept: false, needs: [] },
];

describe('runServices', () => {
  it('starts what is ready up to the parallelism, and a service once all it needs is active', async () => {
    const c = controlled();
    const done = runServices(items, { parallelism: 2, signal: new AbortController().signal, run: (s) => c.run(s), onChange: () => {} });
    await c.startedCount(2);
    expect(c.running()).toEqual(['amb', 'sync']);
    c.end('amb');
    await c.startedCount(3);
    expect(c.running()).toEqual(['sync', 'solo']); // app still needs sync
    c.end('sync');
    await c.startedCount(4);
    expect(c.running()).toEqual(['solo', 'app']);
    c.end('app');
    await c.startedCount(5);
    c.end('solo');
    c.end('web');
    const status = await done;
    expect([...status].map(([s, st]) => `${s} ${st.state}`)).toEqual(['amb active', 'sync active', 'kept kept', 'app active', 'web active', 'solo active']);
  });

  it('after a failure starts nothing new, lets the rest finish, and says who never started and why', async () => {
    const c = controlled();
    const done = runServices(items, { parallelism: 2, signal: new AbortController().signal, run: (s) => c.run(s), onChange: () => {} });
    await c.startedCount(2);
    c.end('amb', { ok: false, error: 'amb.service is crash-looping', unitState: 'activating (auto-restart)' });
    c.end('sync');
    const status = await done;
    expect(c.started).toEqual(['amb', 'sync']);
    expect(status.get('amb')).toEqual({ state: 'failed', error: 'amb.service is crash-looping', unitState: 'activating (auto-restart)' });
    expect(status.get('sync')).toMatchObject({ state: 'active' });
    expect(status.get('app')).toEqual({ state: 'blocked', on: ['amb'] });
    expect(status.get('web')).toEqual({ state: 'blocked', on: ['app'] });
    expect(status.get('solo')).toEqual({ state: 'stopped' });
  });
});
