import type { Containers } from './containers.js';
import { publishedPorts } from './containers.js';
import type { Failures } from './failures.js';
import { byName } from './go-order.js';
import type { FakeMachine } from './machines.js';
import { pickMachine, matchesMetadata } from './schedule.js';
import { createStateReports } from './state-reports.js';
import { restartPolicy, systemdState, type Placement } from './systemd.js';
import { serializeUnitFile, unitHash } from './unit-hash.js';
import { readXFleet, type FakeUnitOption, type XFleet } from './x-fleet.js';

export type FakeDesiredState = 'inactive' | 'loaded' | 'launched';

/** How long fleet and systemd take, in the fake's clock. */
export interface FakeTimings {
  /** From a unit's desired state leaving `inactive` to its placement on a machine. */
  scheduleMs: number;
  /** From launch to active (ExecStartPre: docker pull): `activating start-pre` meanwhile. */
  startMs: number;
  /** From stop to inactive: `deactivating stop-sigterm` meanwhile. */
  stopMs: number;
  /** How late each machine's agent reports a change to `/state` (default 0). */
  reportLagMs?: number;
  /** How long a destroyed unit's row (old hash) stays in `/state` unless its machine reports over it (default 0). */
  staleStateMs?: number;
  /** A crash-looping unit's RestartSec= in the fake's clock, instead of the unit's own. */
  restartMs?: number;
}

interface FakeUnit {
  name: string;
  options: FakeUnitOption[];
  text: string;
  hash: string;
  desired: FakeDesiredState;
  desiredAt: number;
  x: XFleet;
  /** The ports its ExecStart publishes: read once, the options never change after create. */
  ports: number[];
  placements: Placement[];
}

export interface UnitView {
  name: string;
  options: FakeUnitOption[];
  desiredState: FakeDesiredState;
  currentState: FakeDesiredState;
  machineID?: string;
}

/** A change of systemd's state on a machine, when the fake's engine saw it (not when an agent reported it). */
export interface Transition {
  unit: string;
  machineId: string;
  hash: string;
  state: string;
  at: number;
}

export interface StateView {
  name: string;
  hash: string;
  machineID: string;
  systemdLoadState: string;
  systemdActiveState: string;
  systemdSubState: string;
}

/** The unit file as go-systemd serializes it (unit-hash.ts); fleet's hash is its SHA-1. */
export const serializeOptions = serializeUnitFile;

const isTemplate = (name: string) => /@\.[a-z]+$/.test(name);

/**
 * fleet's registry and engine with time instead of agents: every read first reconciles, placing
 * units on machines (honouring [X-Fleet]) and deriving systemd states from how long ago each
 * change was asked for, on the injected clock.
 */
export function createRegistry(opts: { machines: FakeMachine[]; timings: FakeTimings; now: () => number; failures: Failures; containers: Containers }) {
  const units = new Map<string, FakeUnit>();
  /** Units in name order, kept until one is created or destroyed: every read walks them. */
  let inOrder: FakeUnit[] | undefined;
  const ordered = () => (inOrder ??= [...units.values()].sort(byName));
  const { timings, now, failures, containers } = opts;
  // Every read reconciles every unit: with a thousand units on fifty machines a lookup must not
  // scan the list. A reconcile looks machines up in the index of the list as it was when it began.
  let machineIndex: Map<string, FakeMachine> | undefined;
  const machineById = (id: string) => (machineIndex ? machineIndex.get(id) : opts.machines.find((m) => m.id === id));
  const key = (u: FakeUnit, p: Placement) => `${u.name}@${p.machineId}`;
  /** States are read as of the last reconcile, so what the API reports matches the containers that run. */
  let reconciledAt = now();
  const reports = createStateReports({ staleMs: timings.staleStateMs ?? 0 });
  const transitions: Transition[] = [];
  const lastSeen = new Map<string, string>();
  const note = (u: FakeUnit, p: Placement, t: number) => {
    const state = systemd(p, t).join(' ');
    const k = `${key(u, p)}\n${u.hash}`;
    if (lastSeen.get(k) === state) return;
    lastSeen.set(k, state);
    transitions.push({ unit: u.name, machineId: p.machineId, hash: u.hash, state, at: t });
  };
  const lag = timings.reportLagMs ?? 0;
  const systemd = (p: Placement, t: number) => systemdState(p, t, timings);
  const rowsOf = (u: FakeUnit, t: number): StateView[] =>
    u.placements.filter((p) => p.placedAt + lag <= t).map((p) => {
      const [active, sub] = systemd(p, t - lag);
      return { name: u.name, hash: u.hash, machineID: p.machineId, systemdLoadState: 'loaded', systemdActiveState: active, systemdSubState: sub };
    });

  /** What a launch brings: an injected start failure, a slow start, or a crash loop (if Restart= restarts it). */
  function launch(u: FakeUnit, p: Placement, t: number) {
    p.launchedAt = t;
    p.stoppedAt = undefined;
    p.failed = failures.forUnit('start', u.name, u.text) ? 'injected start failure' : undefined;
    p.slowBy = failures.forUnit('slow-start', u.name, u.text)?.ms;
    const crash = failures.forUnit('crash-loop', u.name, u.text);
    const policy = restartPolicy(u.options);
    p.crashLoop = crash && policy.restarts ? { upMs: crash.upMs ?? 0, restartMs: crash.restartMs ?? timings.restartMs ?? policy.restartMs } : undefined;
    if (crash && !policy.restarts) p.failed = 'its process exited and Restart= does not restart it';
  }

  async function unplace(u: FakeUnit, keep: (p: Placement) => boolean) {
    const gone = u.placements.filter((p) => !keep(p));
    u.placements = u.placements.filter(keep);
    await Promise.all(gone.map((p) => containers.stop(key(u, p))));
  }

  function place(u: FakeUnit) {
    const placedOn = (machineId: string) => [...units.values()].filter((o) => o !== u && o.placements.some((p) => p.machineId === machineId));
    if (u.x.global) {
      for (const m of opts.machines) if (matchesMetadata(u.x, m) && !u.placements.some((p) => p.machineId === m.id)) u.placements.push({ machineId: m.id, placedAt: now() });
    } else if (u.placements.length === 0) {
      const m = pickMachine(u.name, u.x, opts.machines, placedOn);
      if (m) u.placements.push({ machineId: m.id, placedAt: now() });
    }
  }

  async function reconcileUnit(u: FakeUnit, t: number) {
    await unplace(u, (p) => u.desired !== 'inactive' && machineById(p.machineId) !== undefined && (!u.x.global || matchesMetadata(u.x, machineById(p.machineId)!)));
    if (u.desired === 'inactive' || isTemplate(u.name) || t < u.desiredAt + timings.scheduleMs) return;
    place(u);
    for (const p of u.placements) {
      if (u.desired === 'launched' && p.launchedAt === undefined) {
        launch(u, p, t);
      } else if (u.desired === 'loaded' && p.launchedAt !== undefined) {
        p.lastLaunchedAt = p.launchedAt;
        p.launchedAt = undefined;
        p.stoppedAt = t;
      }
      note(u, p, t);
      const [active] = systemd(p, t);
      if (active !== 'active') {
        await containers.stop(key(u, p));
        continue;
      }
      const machine = machineById(p.machineId)!;
      await containers.ensure(key(u, p), machine.ip, u.ports, () => !failures.forUnit('unhealthy', u.name, u.text)).catch((e: Error) => {
        p.failed = e.message;
      });
    }
  }

  return {
    async reconcile() {
      const t = now();
      reconciledAt = t;
      machineIndex = new Map(opts.machines.map((m) => [m.id, m]));
      try {
        for (const u of ordered()) await reconcileUnit(u, t);
      } finally {
        machineIndex = undefined;
      }
    },
    has: (name: string) => units.has(name),
    create(name: string, options: FakeUnitOption[], desired: FakeDesiredState) {
      const text = serializeUnitFile(options);
      const hash = unitHash(options);
      const ports = publishedPorts(options.find((o) => o.section === 'Service' && o.name === 'ExecStart')?.value);
      units.set(name, { name, options, text, hash, desired, desiredAt: now(), x: readXFleet(name, options), ports, placements: [] });
      inOrder = undefined;
    },
    setDesired(name: string, desired: FakeDesiredState) {
      const u = units.get(name)!;
      if (u.desired !== desired) Object.assign(u, { desired, desiredAt: now() });
    },
    async destroy(name: string): Promise<boolean> {
      const u = units.get(name);
      if (!u) return false;
      reports.forget(rowsOf(u, reconciledAt), reconciledAt);
      units.delete(name);
      inOrder = undefined;
      await unplace(u, () => false);
      return true;
    },
    list(): UnitView[] {
      return ordered().map((u) => ({
        name: u.name,
        options: u.options,
        desiredState: u.desired,
        currentState: u.placements.length === 0 ? 'inactive' : u.placements.some((p) => p.launchedAt !== undefined) ? 'launched' : 'loaded',
        machineID: u.x.global ? undefined : u.placements[0]?.machineId,
      }));
    },
    states(): StateView[] {
      const t = reconciledAt;
      return reports.merge([...units.values()].flatMap((u) => rowsOf(u, t)), t);
    },
    /** Every state change the engine saw, in order: when each unit became active where. */
    transitions: () => [...transitions],
    /** Why the injected or real failure happened, for the fake's own log and tests. */
    failureOf(name: string): string | undefined {
      return units.get(name)?.placements.find((p) => p.failed)?.failed;
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
