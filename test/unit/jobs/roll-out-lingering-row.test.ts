import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../../src/config/fleet-schema.js';
import { rollOut } from '../../../src/jobs/deploy/roll-out.js';
import type { Scheduler, UnitState } from '../../../src/ports/scheduler.js';
import type { ServiceSpec } from '../../../src/units/catalog-schema.js';
import type { RenderedUnit } from '../../../src/units/render-units.js';

/**
 * fleet after someone destroyed api.service by hand: /state still shows its row (same unit file,
 * same hash, active) for a few reads, as fleet's agents report late. devbot makes the unit again
 * from the same file; the new copy lands on another machine and is active only after two reads.
 */
function fleetWithLingeringRow(): Scheduler & { created: number | undefined; reads: number } {
  const row = (machineId: string, activeState: string, subState: string): UnitState => ({ name: 'api.service', hash: 'h1', machineId, loadState: 'loaded', activeState, subState });
  let lingering = 3;
  let sinceCreate = 0;
  const s = {
    reads: 0,
    created: undefined as number | undefined,
    async states(): Promise<UnitState[]> {
      s.reads++;
      const out: UnitState[] = [];
      if (lingering > 0) {
        lingering--;
        out.push(row('m0000old', 'active', 'running'));
      }
      if (s.created !== undefined) out.push(sinceCreate++ < 2 ? row('m0000new', 'activating', 'start') : row('m0000new', 'active', 'running'));
      return out;
    },
    async create(): Promise<void> {
      s.created = s.reads;
    },
    async destroy(): Promise<void> {},
  };
  return s as unknown as Scheduler & { created: number | undefined; reads: number };
}

describe('rollOut of a unit destroyed behind devbot\'s back', () => {
  it('waits until fleet forgot the destroyed unit\'s row, so only the new copy counts as active', async () => {
    const scheduler = fleetWithLingeringRow();
    const unit = { name: 'api.service', service: 'api', role: 'unit', options: [], text: '', hash: 'h1' } as RenderedUnit;
    const done: string[] = [];
    await rollOut({
      scheduler,
      fleet: { pollMs: 1, scheduleTimeoutMs: 5_000, startTimeoutMs: 5_000 } as FleetConfig,
      spec: { placement: { global: false, machineMetadata: {} } } as unknown as ServiceSpec,
      plan: { service: 'api', to: '1.0', changes: [{ unit, action: 'create', why: 'new' }], remove: [] },
      machines: [],
      signal: new AbortController().signal,
      step: (_name, fn) => fn(),
      log: () => {},
      done,
      removeUnits: false,
    });
    // Made again only once /state had no row of the old one; done when the new copy is active.
    expect(scheduler.created).toBeGreaterThanOrEqual(4);
    expect(done).toEqual(['api.service active on m0000new']);
  });
});
