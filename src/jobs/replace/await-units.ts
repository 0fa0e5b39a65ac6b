import type { Scheduler } from '../../ports/scheduler.js';
import { inWords, pollUntil, type Look, type PollOptions } from './poll-until.js';

/**
 * Waits until every unit that ran on the old machine is active on some other machine; resolves
 * with where each runs ("web.service on 3f2a9c1e").
 */
export async function awaitUnitsActive(units: string[], oldMachineId: string | undefined, scheduler: Scheduler, o: Omit<PollOptions, 'timedOut'>): Promise<string[]> {
  const look = async (): Promise<Look<string[]>> => {
    const states = await scheduler.states({ signal: o.signal });
    const where: string[] = [];
    const missing: string[] = [];
    for (const unit of units) {
      const active = states.find((s) => s.name === unit && s.machineId !== oldMachineId && s.activeState === 'active');
      if (active) where.push(`${unit} on ${active.machineId.slice(0, 8)}`);
      else missing.push(`${unit} (${states.filter((s) => s.name === unit && s.machineId !== oldMachineId).map((s) => `${s.activeState} on ${s.machineId.slice(0, 8)}`).join(', ') || 'not placed yet'})`);
    }
    return missing.length ? { waiting: `not active again yet: ${missing.join(', ')}` } : { done: where };
  };
  return pollUntil(look, {
    ...o,
    timedOut: (last) =>
      `Not every unit of the old machine is active again within ${inWords(o.timeoutMs)}: ${last.replace(/^not active again yet: /, '')}. ` +
      'Check `/dev units list` and `/dev logs <unit>`: a unit pinned to the old machine (MachineID) or to metadata no other machine has stays unplaced; a failing one needs its logs.',
  });
}
