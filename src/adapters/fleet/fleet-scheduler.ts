import { RefusedError, UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { Scheduler } from '../../ports/scheduler.js';
import { checkHealth } from './check-health.js';
import { fleetCall, type FleetHttpOptions } from './fleet-http.js';
import { PAGES, readWire, toMachine, toState, toUnit, unitWire } from './fleet-wire.js';

export interface FleetSchedulerOptions extends FleetHttpOptions {
  log: Logger;
}

/** fleet pages hold 100 entries; this many pages means the token never ends. */
const MAX_PAGES = 1000;

/** The Scheduler port over fleet's HTTP API v1: every call has a deadline, lists follow nextPageToken. */
export function createFleetScheduler(opts: FleetSchedulerOptions): Scheduler {
  const unitPath = (name: string) => `units/${encodeURIComponent(name)}`;

  async function allPages<T>(path: string, query: Record<string, string>, read: (body: unknown, what: string) => { items: T[]; next?: string }, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const params = new URLSearchParams({ ...query, ...(token ? { nextPageToken: token } : {}) }).toString();
      const res = await fleetCall(opts, 'GET', params ? `${path}?${params}` : path, { expected: [200], signal });
      const got = read(res.body, `GET /fleet/v1/${path}`);
      items.push(...got.items);
      token = got.next;
      if (!token) return items;
    }
    throw new UpstreamError(`fleet kept returning page tokens for GET /fleet/v1/${path} (over ${MAX_PAGES} pages).`, { service: 'fleet', retryable: false });
  }

  return {
    async units({ signal } = {}) {
      return allPages('units', {}, (b, what) => {
        const p = readWire(PAGES.units, b, what);
        return { items: p.units.map(toUnit), next: p.nextPageToken };
      }, signal);
    },

    async unit(name) {
      const res = await fleetCall(opts, 'GET', unitPath(name), { expected: [200, 404] });
      return res.status === 404 ? undefined : toUnit(readWire(unitWire, res.body, `GET /fleet/v1/${unitPath(name)}`));
    },

    async create(name, options, desiredState) {
      const res = await fleetCall(opts, 'PUT', unitPath(name), { body: { name, desiredState, options }, expected: [201, 204] });
      // 204: the unit existed, and fleet changed only its desired state, keeping its old options.
      if (res.status === 204) throw new UpstreamError(`${name} already existed in fleet, which kept its old unit file; destroy it before submitting a new one.`, { service: 'fleet', retryable: false });
      opts.log.info({ unit: name, desiredState }, 'unit created in fleet');
    },

    async setDesiredState(name, desiredState) {
      const res = await fleetCall(opts, 'PUT', unitPath(name), { body: { name, desiredState }, expected: [204, 409] });
      if (res.status === 409) throw new RefusedError(`fleet has no unit ${name}. \`/dev units list\` shows the units; \`/dev deploy <service>\` creates them.`);
      opts.log.info({ unit: name, desiredState }, 'unit desired state set');
    },

    async destroy(name) {
      const res = await fleetCall(opts, 'DELETE', unitPath(name), { expected: [204, 404] });
      return res.status === 204;
    },

    async states({ unitName, machineId, signal } = {}) {
      const query: Record<string, string> = { ...(unitName ? { unitName } : {}), ...(machineId ? { machineID: machineId } : {}) };
      return allPages('state', query, (b, what) => {
        const p = readWire(PAGES.states, b, what);
        return { items: p.states.map(toState), next: p.nextPageToken };
      }, signal);
    },

    async machines({ signal } = {}) {
      return allPages('machines', {}, (b, what) => {
        const p = readWire(PAGES.machines, b, what);
        return { items: p.machines.map(toMachine), next: p.nextPageToken };
      }, signal);
    },

    checkHealth: (check, target, o) => checkHealth(check, target, o),
  };
}
