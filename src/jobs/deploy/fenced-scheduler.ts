import type { Scheduler } from '../../ports/scheduler.js';
import type { RunFence } from '../job-kind.js';

/**
 * The scheduler as one run of a deploy may use it: every call that changes fleet first checks
 * that the run still holds its lock, and a run that lost it (resumed elsewhere while this worker
 * was frozen, or its lock expired) changes nothing. fleet's API has no conditional writes, so the
 * check comes right before the call. Reads go straight through.
 */
export function fencedScheduler(scheduler: Scheduler, fence: RunFence): Scheduler {
  return {
    units: (opts) => scheduler.units(opts),
    unit: (name) => scheduler.unit(name),
    states: (filter) => scheduler.states(filter),
    machines: (opts) => scheduler.machines(opts),
    checkHealth: (check, target, opts) => scheduler.checkHealth(check, target, opts),
    async create(name, options, desiredState) {
      await fence.check();
      return scheduler.create(name, options, desiredState);
    },
    async setDesiredState(name, desiredState) {
      await fence.check();
      return scheduler.setDesiredState(name, desiredState);
    },
    async destroy(name) {
      await fence.check();
      return scheduler.destroy(name);
    },
  };
}
