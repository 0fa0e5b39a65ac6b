import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContainers } from './containers.js';
import { createFailures, type FleetFailure } from './failures.js';
import { loopbackNet, makeMachine, type FakeMachine, type FakeMachineSpec } from './machines.js';
import { createRegistry, type FakeTimings, type StateView, type Transition, type UnitView } from './registry.js';
import { handleFleetRequest } from './server.js';

export type { FleetFailure } from './failures.js';
export type { FakeTimings, Transition } from './registry.js';
export type { FakeMachine, FakeMachineSpec } from './machines.js';
export { DEMO_MACHINES } from './machines.js';

export interface FleetFakeOptions {
  machines: FakeMachineSpec[];
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  timings?: Partial<FakeTimings>;
  /** The clock state transitions are measured on (default Date.now). */
  now?: () => number;
  /** Reconcile on a timer this often even without requests (default 50 ms; 0 = only on requests and tick()). */
  tickMs?: number;
  /** Listen on the published ports of active units, so HTTP health checks reach something (default true). */
  containers?: boolean;
}

export interface FleetFake {
  /** The API root to configure as fleet.url (the API itself is under /fleet/v1). */
  url: string;
  machines: FakeMachine[];
  injectFailure(failure: FleetFailure): { clear(): void };
  clearFailures(): void;
  addMachine(spec: FakeMachineSpec): FakeMachine;
  /** The machine leaves (fleet died on it): its units are scheduled elsewhere if they fit. */
  removeMachine(id: string): void;
  /** Applies the transitions due on the clock now (the API does this on every request). */
  tick(): Promise<void>;
  units(): UnitView[];
  /** What /state shows now (as reported: late, with lingering rows). */
  states(): StateView[];
  /** Every systemd state change the fake saw, with when (its clock): e.g. when each unit became active. */
  transitions(): Transition[];
  /** Every request answered, in order, for assertions. */
  requests: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

/**
 * A fake of fleet's HTTP API v1, faithful in what devbot depends on: paths, status codes, error
 * bodies, paging tokens, desired/current states, scheduling by [X-Fleet], and systemd states that
 * change over time. Used by the tests and by `npm run demo` (see cli.ts).
 */
export async function startFleetFake(opts: FleetFakeOptions): Promise<FleetFake> {
  const net = loopbackNet();
  const machines = opts.machines.map((m, i) => makeMachine(m, i, net));
  const failures = createFailures();
  const containers = createContainers(opts.containers ?? true);
  const timings: FakeTimings = { scheduleMs: 100, startMs: 500, stopMs: 200, ...opts.timings };
  const registry = createRegistry({ machines, timings, now: opts.now ?? Date.now, failures, containers });
  const hanging = new Set<ServerResponse>();
  const requests: FleetFake['requests'] = [];
  let ticking: Promise<void> = Promise.resolve();
  const tick = () => (ticking = ticking.then(() => registry.reconcile()).catch(() => undefined));

  const server = createServer((req, res) => {
    res.on('finish', () => requests.push({ method: req.method ?? '', path: req.url ?? '', status: res.statusCode }));
    void handleFleetRequest(req, res, { registry, machines, failures, hang: (r) => hanging.add(r) });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const timer = (opts.tickMs ?? 50) > 0 ? setInterval(() => void tick(), opts.tickMs ?? 50) : undefined;
  timer?.unref();
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    machines,
    injectFailure: (f) => failures.add(f),
    clearFailures: () => failures.clear(),
    addMachine(spec) {
      const m = makeMachine(spec, machines.length, net);
      machines.push(m);
      return m;
    },
    removeMachine(id) {
      const i = machines.findIndex((m) => m.id === id);
      if (i >= 0) machines.splice(i, 1);
    },
    tick,
    units: () => registry.list(),
    states: () => registry.states(),
    transitions: () => registry.transitions(),
    requests,
    async close() {
      clearInterval(timer);
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ticking;
      await containers.closeAll();
    },
  };
}
