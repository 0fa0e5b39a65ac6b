import { describe, expect, it } from 'vitest';
import type { Machine, UnitState } from '../../../src/ports/scheduler.js';
import { locateUnit } from '../../../src/remote/locate-unit.js';
import { selectMachines } from '../../../src/remote/select-machines.js';

const machines: Machine[] = [
  { id: 'aaaaaaaa11111111', ip: '10.0.0.1', metadata: { role: 'worker' } },
  { id: 'bbbbbbbb22222222', ip: '10.0.0.2', metadata: { role: 'worker' } },
  { id: 'cccccccc33333333', ip: '10.0.0.3', metadata: { role: 'data' } },
];
const state = (name: string, machineId: string, activeState = 'active'): UnitState => ({ name, machineId, hash: 'h', loadState: 'loaded', activeState, subState: activeState === 'active' ? 'running' : 'dead' });
const states = [state('web@1.service', 'aaaaaaaa11111111', 'failed'), state('web@2.service', 'bbbbbbbb22222222'), state('db.service', 'cccccccc33333333')];

describe('locateUnit', () => {
  it('finds a unit, an instance, and the first active instance of a template', () => {
    expect(locateUnit('db', states, machines)).toMatchObject({ unit: 'db.service', machine: { ip: '10.0.0.3' } });
    expect(locateUnit('web@1', states, machines)).toMatchObject({ unit: 'web@1.service', machine: { ip: '10.0.0.1' } });
    expect(locateUnit('web', states, machines)).toMatchObject({ unit: 'web@2.service', machine: { ip: '10.0.0.2' } });
    expect(locateUnit('web@.service', states, machines).unit).toBe('web@2.service');
  });

  it('says so when fleet reports the unit nowhere', () => {
    expect(() => locateUnit('nosuch', states, machines)).toThrow(/does not report nosuch\.service/);
  });
});

describe('selectMachines', () => {
  it('by role, by IP, by id prefix, by unit', () => {
    expect(selectMachines('role=worker', machines, states).map((m) => m.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(selectMachines('10.0.0.3', machines, states).map((m) => m.ip)).toEqual(['10.0.0.3']);
    expect(selectMachines('bbbbbbbb', machines, states).map((m) => m.ip)).toEqual(['10.0.0.2']);
    expect(selectMachines('web', machines, states).map((m) => m.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('refuses what names no machine', () => {
    expect(() => selectMachines('role=gpu', machines, states)).toThrow(/No machine has role=gpu/);
    expect(() => selectMachines('nosuch', machines, states)).toThrow(/no machine id, IP, role=… or unit/);
  });
});
