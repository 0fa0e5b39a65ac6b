import { createHash } from 'node:crypto';
import type { Containers } from './containers.js';
import { publishedPorts } from './containers.js';
import type { Failures } from './failures.js';
import type { FakeMachine } from './machines.js';
import { pickMachine, matchesMetadata } from './schedule.js';
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
}

interface Placement {
  machineId: string;
  launchedAt?: number;
  /** Extra start time injected for this launch. */
  slowBy?: number;
  stoppedAt?: number;
  failed?: string;
}

interface FakeUnit {
  name: string;
  options: FakeUnitOption[];
  text: string;
  hash: string;
  desired: FakeDesiredState;
  desiredAt: number;
  x: XFleet;
  placements: Placement[];
}

export interface UnitView {
  name: string;
  options: FakeUnitOption[];
  desiredState: FakeDesiredState;
  currentState: FakeDesiredState;
  machineID?: string;
}

export interface StateView {
  name: string;
  hash: string;
  machineID: string;
  systemdLoadState: string;
  systemdActiveState: string;
  systemdSubState: string;
}

/** The unit file as go-systemd serializes it; fleet's hash is its SHA-1. */
export function serializeOptions(options: readonly FakeUnitOption[]): string {
  const sections = new Map<string, FakeUnitOption[]>();
  for (const o of options) sections.set(o.section, [...(sections.get(o.section) ?? []), o]);
  return [...sections].map(([s, opts]) => `[${s}]\n${opts.map((o) => `${o.name}=${o.value}\n`).join('')}`).join('\n');
}

const isTemplate = (name: string) => /@\.[a-z]+$/.test(name);

/**
 * fleet's registry and engine with time instead of agents: every read first reconciles, placing
 * units on machines (honouring [X-Fleet]) and deriving systemd states from how long ago each
 * change was asked for, on the injected clock.
 */
export function createRegistry(opts: { machines: FakeMachine[]; timings: FakeTimings; now: () => number; failures: Failures; containers: Containers }) {
  const units = new Map<string, FakeUnit>();
  const { timings, now, failures, containers } = opts;
  const machineById = (id: string) => opts.machines.find((m) => m.id === id);
  const key = (u: FakeUnit, p: Placement) => `${u.name}@${p.machineId}`;
  /** States are read as of the last reconcile, so what the API reports matches the containers that run. */
  let reconciledAt = now();

  function systemd(p: Placement, t: number): [string, string] {
    if (p.launchedAt !== undefined) {
      if (t - p.launchedAt < timings.startMs + (p.slowBy ?? 0)) return ['activating', 'start-pre'];
      return p.failed ? ['failed', 'failed'] : ['active', 'running'];
    }
    if (p.stoppedAt !== undefined && t - p.stoppedAt < timings.stopMs) return ['deactivating', 'stop-sigterm'];
    return ['inactive', 'dead'];
  }

  async function unplace(u: FakeUnit, keep: (p: Placement) => boolean) {
    const gone = u.placements.filter((p) => !keep(p));
    u.placements = u.placements.filter(keep);
    await Promise.all(gone.map((p) => containers.stop(key(u, p))));
  }

  function place(u: FakeUnit) {
    const placedOn = (machineId: string) => [...units.values()].filter((o) => o !== u && o.placements.some((p) => p.machineId === machineId));
    if (u.x.global) {
      for (const m of opts.machines) if (matchesMetadata(u.x, m) && !u.placements.some((p) => p.machineId === m.id)) u.placements.push({ machineId: m.id });
    } else if (u.placements.length === 0) {
      const m = pickMachine(u.name, u.x, opts.machines, placedOn);
      if (m) u.placements.push({ machineId: m.id });
    }
  }

  async function reconcileUnit(u: FakeUnit, t: number) {
    await unplace(u, (p) => u.desired !== 'inactive' && machineById(p.machineId) !== undefined && (!u.x.global || matchesMetadata(u.x, machineById(p.machineId)!)));
    if (u.desired === 'inactive' || isTemplate(u.name) || t < u.desiredAt + timings.scheduleMs) return;
    place(u);
    for (const p of u.placements) {
      if (u.desired === 'launched' && p.launchedAt === undefined) {
        p.launchedAt = t;
        p.stoppedAt = undefined;
        p.failed = failures.forUnit('start', u.name, u.text) ? 'injected start failure' : undefined;
        p.slowBy = failures.forUnit('slow-start', u.name, u.text)?.ms;
      } else if (u.desired === 'loaded' && p.launchedAt !== undefined) {
        p.launchedAt = undefined;
        p.stoppedAt = t;
      }
      const [active] = systemd(p, t);
      if (active !== 'active') {
        await containers.stop(key(u, p));
        continue;
      }
      const machine = machineById(p.machineId)!;
      const ports = publishedPorts(u.options.find((o) => o.section === 'Service' && o.name === 'ExecStart')?.value);
      await containers.ensure(key(u, p), machine.ip, ports, () => !failures.forUnit('unhealthy', u.name, u.text)).catch((e: Error) => {
        p.failed = e.message;
      });
    }
  }

  return {
    async reconcile() {
      const t = now();
      reconciledAt = t;
      for (const u of [...units.values()].sort((a, b) => a.name.localeCompare(b.name))) await reconcileUnit(u, t);
    },
    has: (name: string) => units.has(name),
    create(name: string, options: FakeUnitOption[], desired: FakeDesiredState) {
      const text = serializeOptions(options);
      const hash = createHash('sha1').update(text).digest('hex');
      units.set(name, { name, options, text, hash, desired, desiredAt: now(), x: readXFleet(name, options), placements: [] });
    },
    setDesired(name: string, desired: FakeDesiredState) {
      const u = units.get(name)!;
      if (u.desired !== desired) Object.assign(u, { desired, desiredAt: now() });
    },
    async destroy(name: string): Promise<boolean> {
      const u = units.get(name);
      if (!u) return false;
      units.delete(name);
      await unplace(u, () => false);
      return true;
    },
    list(): UnitView[] {
      return [...units.values()].sort((a, b) => a.name.localeCompare(b.name)).map((u) => ({
        name: u.name,
        options: u.options,
        desiredState: u.desired,
        currentState: u.placements.length === 0 ? 'inactive' : u.placements.some((p) => p.launchedAt !== undefined) ? 'launched' : 'loaded',
        machineID: u.x.global ? undefined : u.placements[0]?.machineId,
      }));
    },
    states(): StateView[] {
      const t = reconciledAt;
      return [...units.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((u) =>
          u.placements.map((p) => {
            const [active, sub] = systemd(p, t);
            return { name: u.name, hash: u.hash, machineID: p.machineId, systemdLoadState: 'loaded', systemdActiveState: active, systemdSubState: sub };
          }),
        );
    },
    /** Why the injected or real failure happened, for the fake's own log and tests. */
    failureOf(name: string): string | undefined {
      return units.get(name)?.placements.find((p) => p.failed)?.failed;
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
