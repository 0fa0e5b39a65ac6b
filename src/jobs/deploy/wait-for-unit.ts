import { setTimeout as sleep } from 'node:timers/promises';
import { RefusedError } from '../../errors.js';
import type { Machine, Scheduler, UnitState } from '../../ports/scheduler.js';
import type { ServiceSpec } from '../../units/catalog-schema.js';

/** A unit that did not come up (or down) as asked: which one, and the state it was left in. */
export class UnitFailedError extends RefusedError {
  constructor(readonly unit: string, readonly state: string, message: string) {
    super(message);
  }
}

/** "4066df21 (10.0.1.5)", as fleetctl shortens machine ids. */
export function describeMachine(id: string, machines: Machine[]): string {
  const m = machines.find((x) => x.id === id);
  return `${id.slice(0, 8)}${m?.ip ? ` (${m.ip})` : ''}`;
}

export const describeState = (s: UnitState) => `${s.activeState} (${s.subState})`;

/** Machines a unit of this service may run on, by metadata: how many copies a global unit should have. */
export function machinesFor(spec: ServiceSpec, machines: Machine[]): Machine[] {
  const wanted = Object.entries(spec.placement.machineMetadata).map(([k, v]) => [k, Array.isArray(v) ? v : [v]] as const);
  return machines.filter((m) => wanted.every(([k, values]) => m.metadata[k] !== undefined && values.includes(m.metadata[k]!)));
}

export interface WatchOptions {
  scheduler: Scheduler;
  unit: string;
  /** Only states of this unit file count (a replaced unit's old state may linger). */
  hash?: string;
  /** How many machines must report it (a global unit runs on several); default 1. */
  copies?: number;
  machines: Machine[];
  pollMs: number;
  scheduleTimeoutMs: number;
  timeoutMs: number;
  /**
   * Once systemd restarted a copy, how long it must then stay active to count (its RestartSec=: a
   * crash loop shows `active (running)` between two crashes). Default: two polls in a row.
   */
  settleMs?: number;
  signal: AbortSignal;
  log(line: string): void;
}

/** "1.5 s", "30 s". */
const seconds = (ms: number) => `${ms >= 10_000 ? Math.round(ms / 1000) : Number((ms / 1000).toFixed(1))} s`;

const failed = (s: UnitState) => s.activeState === 'failed';
/** systemd waits RestartSec= before starting a unit again whose process exited (Restart=always). */
const restarting = (s: UnitState) => s.subState === 'auto-restart';

/**
 * Polls fleet's unit states (fleet has no watch API) until `done` holds for every copy, logging
 * each change once. Fails at once when a copy fails, or when it is not scheduled or not done in
 * time. A copy systemd keeps restarting (Restart=always: `activating (auto-restart)`) is given
 * until the timeout, as one that recovers after a restart or two is fine; once it restarted, it
 * counts as active only when two polls in a row find it so, since a crash loop passes through
 * `active (running)` between two crashes.
 */
async function watch(o: WatchOptions, goal: string, done: (s: UnitState) => boolean): Promise<UnitState[]> {
  const started = Date.now();
  let said = '';
  let restarts = 0;
  let wasRestarting = new Set<string>();
  let doneStreak = 0;
  let doneSince = 0;
  for (;;) {
    o.signal.throwIfAborted();
    const states = (await o.scheduler.states({ unitName: o.unit, signal: o.signal })).filter((s) => !o.hash || s.hash === o.hash);
    const now = states.map((s) => `${describeState(s)} on ${describeMachine(s.machineId, o.machines)}`).join(', ') || 'not scheduled yet';
    if (now !== said) o.log(`${o.unit}: ${(said = now)}`);
    const broken = states.find(failed);
    if (broken && goal === 'active') {
      throw new UnitFailedError(o.unit, describeState(broken), `${o.unit} failed: systemd reports ${describeState(broken)} on ${describeMachine(broken.machineId, o.machines)}.`);
    }
    const restartingNow = new Set(states.filter(restarting).map((s) => s.machineId));
    restarts += [...restartingNow].filter((m) => !wasRestarting.has(m)).length;
    wasRestarting = restartingNow;
    const allDone = states.length >= (o.copies ?? 1) && states.every(done);
    if (allDone && doneStreak === 0) doneSince = Date.now();
    doneStreak = allDone ? doneStreak + 1 : 0;
    const settled = doneStreak >= 2 && Date.now() - doneSince >= (o.settleMs ?? 0);
    if (allDone && (restarts === 0 || goal !== 'active' || settled)) return states;
    const waited = Date.now() - started;
    if (states.length === 0 && waited > o.scheduleTimeoutMs) {
      throw new UnitFailedError(o.unit, 'not scheduled', `${o.unit} was not placed on any machine within ${seconds(o.scheduleTimeoutMs)}: no machine fits its [X-Fleet] placement (metadata, conflicts), or fleet's engine is not running.`);
    }
    if (waited > o.timeoutMs) {
      const where = states.map((s) => `${describeState(s)} on ${describeMachine(s.machineId, o.machines)}`).join(', ');
      const last = states.find(restarting) ?? states[0];
      if (restarts > 0 && goal === 'active') {
        throw new UnitFailedError(o.unit, last ? describeState(last) : 'activating (auto-restart)', `${o.unit} is crash-looping: systemd restarted it ${restarts} time${restarts === 1 ? '' : 's'} (at least) and it did not stay active within ${seconds(o.timeoutMs)} (${where || 'no state reported'}).`);
      }
      throw new UnitFailedError(o.unit, last ? describeState(last) : 'not scheduled', `${o.unit} was not ${goal} within ${seconds(o.timeoutMs)} (${where || 'no state reported'}).`);
    }
    await sleep(o.pollMs, undefined, { signal: o.signal });
  }
}

/** A unit's RestartSec= in ms (systemd's default 100 ms): how long a restarted unit must stay up to count. */
export function restartSecOf(options: ReadonlyArray<{ section: string; name: string; value: string }>): number {
  const value = options.filter((o) => o.section === 'Service' && o.name === 'RestartSec').at(-1)?.value.trim();
  if (value === undefined) return 100;
  const n = Number.parseFloat(value);
  if (!Number.isFinite(n)) return 100;
  return /ms$/.test(value) ? n : /min$/.test(value) ? n * 60_000 : n * 1000;
}

/** After a destroy: resolves once /state shows no row of this unit with `hash` (its agents caught up), or after `timeoutMs` anyway. */
export async function waitUntilForgotten(o: WatchOptions): Promise<void> {
  const started = Date.now();
  for (;;) {
    o.signal.throwIfAborted();
    const rows = (await o.scheduler.states({ unitName: o.unit, signal: o.signal })).filter((s) => s.hash === o.hash);
    if (rows.length === 0) return;
    if (Date.now() - started > o.timeoutMs) {
      o.log(`${o.unit}: fleet still reports the destroyed unit (${rows.map(describeState).join(', ')}); going on`);
      return;
    }
    await sleep(o.pollMs, undefined, { signal: o.signal });
  }
}

export const waitUntilActive = (o: WatchOptions) => watch(o, 'active', (s) => s.activeState === 'active');
export const waitUntilStopped = (o: WatchOptions) => watch({ ...o, scheduleTimeoutMs: Infinity }, 'stopped', (s) => s.activeState === 'inactive' || s.activeState === 'failed');
