import { describe, expect, it } from 'vitest';
import { UnitFailedError, restartSecOf, waitUntilActive, type WatchOptions } from '../../../src/jobs/deploy/wait-for-unit.js';
import type { Scheduler, UnitState } from '../../../src/ports/scheduler.js';

/** A scheduler whose /state answers are scripted poll by poll (the last one repeats). */
function scripted(polls: Array<Array<[string, string]>>): Scheduler & { reads: number } {
  const s = {
    reads: 0,
    async states(): Promise<UnitState[]> {
      const poll = polls[Math.min(s.reads++, polls.length - 1)]!;
      return poll.map(([activeState, subState]) => ({ name: 'api.service', hash: 'h1', machineId: 'm0000001', loadState: 'loaded', activeState, subState }));
    },
  };
  return s as unknown as Scheduler & { reads: number };
}

const watch = (scheduler: Scheduler, o: Partial<WatchOptions> = {}): WatchOptions => ({
  scheduler, unit: 'api.service', hash: 'h1', machines: [], pollMs: 1, scheduleTimeoutMs: 1000, timeoutMs: 150, signal: new AbortController().signal, log: () => {}, ...o,
});

const START: [string, string] = ['activating', 'start-pre'];
const RESTART: [string, string] = ['activating', 'auto-restart'];
const UP: [string, string] = ['active', 'running'];

describe('waitUntilActive and crash loops', () => {
  it('gives a unit systemd restarts until its timeout, then fails it as crash-looping with its last state', async () => {
    const fleet = scripted([[START], [RESTART], [START], [RESTART]]);
    const err = await waitUntilActive(watch(fleet)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnitFailedError);
    expect(err).toMatchObject({ unit: 'api.service', state: 'activating (auto-restart)' });
    expect((err as Error).message).toMatch(/^api\.service is crash-looping: systemd restarted it \d+ times? \(at least\) and it did not stay active within 0\.1 s/);
  });

  it('does not take the moments between two crashes for a unit that came up', async () => {
    const cycle: Array<Array<[string, string]>> = [[RESTART], [START], [UP], [UP], [RESTART]];
    const fleet = scripted([[START], ...cycle, ...cycle, ...cycle, ...cycle, ...cycle, ...cycle, ...cycle, ...cycle, ...cycle, ...cycle]);
    const err = await waitUntilActive(watch(fleet, { settleMs: 60_000, timeoutMs: 300 })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/crash-looping/);
  });

  it('accepts a unit that restarted once and then stays active for RestartSec', async () => {
    const fleet = scripted([[START], [RESTART], [START], [UP]]);
    const states = await waitUntilActive(watch(fleet, { settleMs: 20, timeoutMs: 2000 }));
    expect(states).toMatchObject([{ activeState: 'active' }]);
  });

  it('still fails a unit systemd gave up on at once', async () => {
    await expect(waitUntilActive(watch(scripted([[START], [['failed', 'failed']]])))).rejects.toThrow(/^api\.service failed: systemd reports failed \(failed\) on m0000001\.$/);
  });

  it('reads RestartSec= as systemd does', () => {
    const svc = (value: string) => [{ section: 'Service', name: 'RestartSec', value }];
    expect([restartSecOf([]), restartSecOf(svc('10')), restartSecOf(svc('500ms')), restartSecOf(svc('2min'))]).toEqual([100, 10_000, 500, 120_000]);
  });
});
