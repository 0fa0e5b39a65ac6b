/**
 * The cluster's unit scheduler (fleet): which units exist, where they run, and in what state.
 * Shaped by the deploy, rollback and units jobs and the status report; the fleet adapter speaks
 * fleet's HTTP API v1 underneath.
 */

/** fleet's cluster-level states: known only / loaded into systemd on a machine / started there. */
export type DesiredState = 'inactive' | 'loaded' | 'launched';

/** One line of a unit file: `[section] name=value`. */
export interface UnitOption {
  section: string;
  name: string;
  value: string;
}

/** A unit as the scheduler knows it. */
export interface ScheduledUnit {
  name: string;
  options: UnitOption[];
  desiredState: DesiredState;
  currentState?: DesiredState;
  /** The machine it was scheduled to; absent while unscheduled and for global units. */
  machineId?: string;
}

/** What systemd on one machine reports for one unit (a global unit has one per machine). */
export interface UnitState {
  name: string;
  /** SHA-1 of the unit file the machine runs: tells an old version from a new one. */
  hash: string;
  machineId: string;
  loadState: string;
  /** systemd's ActiveState: active, activating, deactivating, inactive, failed, reloading. */
  activeState: string;
  /** systemd's SubState: running, start-pre, dead, failed, auto-restart… */
  subState: string;
}

export interface Machine {
  id: string;
  ip: string;
  metadata: Record<string, string>;
}

/** A health check as the catalog declares it (see src/units/catalog-schema.ts). */
export type HealthCheckSpec = { http: string; timeoutMs: number } | { command: string[]; timeoutMs: number };

/** Consul-style: exit 0 passing, 1 warning, anything else (or no answer) critical. */
export interface HealthResult {
  status: 'passing' | 'warning' | 'critical';
  /** One line: the HTTP status or the command's output, for the job's thread. */
  output: string;
}

/** Where one instance runs, for `{ip}`, `{machine}`, `{unit}` and `{instance}` in a health check. */
export interface HealthTarget {
  unit: string;
  instance: string;
  machine: Machine;
}

export interface Scheduler {
  /** Every unit, all pages. Fails with UpstreamError('fleet'). */
  units(opts?: { signal?: AbortSignal }): Promise<ScheduledUnit[]>;
  /** One unit, or undefined when fleet does not know it. Fails with UpstreamError('fleet'). */
  unit(name: string): Promise<ScheduledUnit | undefined>;
  /**
   * Creates a unit with its options and desired state. Fails with UpstreamError('fleet'), also
   * when a unit of that name already exists (fleet would silently keep the old options): destroy
   * it first to replace it.
   */
  create(name: string, options: UnitOption[], desiredState: DesiredState): Promise<void>;
  /** Changes the desired state of an existing unit. RefusedError when the unit does not exist. */
  setDesiredState(name: string, desiredState: DesiredState): Promise<void>;
  /** Stops, unloads and removes a unit. Resolves false when it did not exist. UpstreamError('fleet'). */
  destroy(name: string): Promise<boolean>;
  /** systemd states reported by the machines, optionally for one unit or one machine. UpstreamError('fleet'). */
  states(filter?: { unitName?: string; machineId?: string; signal?: AbortSignal }): Promise<UnitState[]>;
  /** The machines in the cluster with their metadata. UpstreamError('fleet'). */
  machines(opts?: { signal?: AbortSignal }): Promise<Machine[]>;
  /** Runs one health check against one instance. Never throws: a failure to check is `critical`. */
  checkHealth(check: HealthCheckSpec, target: HealthTarget, opts?: { signal?: AbortSignal }): Promise<HealthResult>;
}
