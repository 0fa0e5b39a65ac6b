import { z } from 'zod';
import { UsageError } from '../errors.js';
import { renderUnitsList } from '../render/units.js';
import { normalizeUnitName, serviceOfUnit } from '../units/unit-names.js';
import { fleetOf } from './deploy/fleet-context.js';
import { describeMachine, waitUntilActive, waitUntilStopped, type WatchOptions } from './deploy/wait-for-unit.js';
import type { JobContext, JobKind } from './job-kind.js';
import type { FleetConfig } from '../config/fleet-schema.js';
import type { Machine, Scheduler, UnitState } from '../ports/scheduler.js';

const payloadSchema = z.object({ action: z.enum(['list', 'start', 'stop', 'restart']), unit: z.string().optional(), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

async function list(payload: Payload, ctx: JobContext): Promise<void> {
  const { scheduler } = fleetOf(ctx.deps, payload.environment);
  const [units, states, machines] = await Promise.all([scheduler.units({ signal: ctx.signal }), scheduler.states({ signal: ctx.signal }), scheduler.machines({ signal: ctx.signal })]);
  const filter = payload.unit;
  const matches = (name: string) => !filter || name === filter || name === normalizeUnitName(filter) || serviceOfUnit(name) === filter;
  const shown = units.filter((u) => matches(u.name));
  // Every state, not only the shown units': the machines section counts all that runs on each.
  const message = renderUnitsList({ environment: payload.environment, units: shown, states, machines, filter });
  await ctx.progress.finish('succeeded', message.text.split('\n')[0] ?? '', message);
}

function checkUnit(name: string): string {
  const unit = normalizeUnitName(name);
  if (/@\./.test(unit)) throw new UsageError(`${unit} is a template; start, stop or restart one of its instances (${unit.replace('@.', '@1.')}).`);
  return unit;
}

function watchOf(fleet: FleetConfig, scheduler: Scheduler, unit: string, machines: Machine[], ctx: JobContext): WatchOptions {
  return {
    scheduler, unit, machines, signal: ctx.signal, log: (l) => ctx.progress.log(l),
    pollMs: fleet.pollMs, scheduleTimeoutMs: fleet.scheduleTimeoutMs, timeoutMs: fleet.startTimeoutMs,
  };
}

/** start: desired `launched` (fleetctl start); stop: desired `loaded` (fleetctl stop: stays on its machine). */
async function change(payload: Payload & { unit: string }, ctx: JobContext): Promise<void> {
  const { fleet, scheduler } = fleetOf(ctx.deps, payload.environment);
  const unit = checkUnit(payload.unit);
  const start = payload.action === 'start';
  const machines = await scheduler.machines({ signal: ctx.signal });
  await ctx.progress.step(`Set ${unit} to ${start ? 'launched' : 'loaded'}`, () => scheduler.setDesiredState(unit, start ? 'launched' : 'loaded'));
  const watch = watchOf(fleet, scheduler, unit, machines, ctx);
  const states = await ctx.progress.step(`Wait until ${unit} is ${start ? 'active' : 'stopped'}`, () => (start ? waitUntilActive(watch) : waitUntilStopped(watch)));
  await finishChange(payload, unit, start, states, machines, ctx);
}

/** restart: stop (desired `loaded`, it stays on its machine), then start, each waited for. */
async function restart(payload: Payload & { unit: string }, ctx: JobContext): Promise<void> {
  const { fleet, scheduler } = fleetOf(ctx.deps, payload.environment);
  const unit = checkUnit(payload.unit);
  const machines = await scheduler.machines({ signal: ctx.signal });
  const watch = watchOf(fleet, scheduler, unit, machines, ctx);
  const wasFailed = (await scheduler.states({ unitName: unit, signal: ctx.signal })).some((s) => s.activeState === 'failed');
  await ctx.progress.step(`Set ${unit} to loaded`, () => scheduler.setDesiredState(unit, 'loaded'));
  await ctx.progress.step(`Wait until ${unit} is stopped`, () => waitUntilStopped(watch));
  if (wasFailed) await until(fleet, ctx, async () => (await scheduler.units({ signal: ctx.signal })).find((u) => u.name === unit)?.currentState !== 'launched');
  await ctx.progress.step(`Set ${unit} to launched`, () => scheduler.setDesiredState(unit, 'launched'));
  if (wasFailed) await until(fleet, ctx, async () => !(await scheduler.states({ unitName: unit, signal: ctx.signal })).some((s) => s.activeState === 'failed'));
  const states = await ctx.progress.step(`Wait until ${unit} is active`, () => waitUntilActive(watch));
  await finishChange(payload, unit, true, states, machines, ctx);
}

/**
 * A failed unit (what unit-not-running's Restart unit is for) already looks "stopped", so the stop
 * is not waited for by its state: without waiting until fleet has taken the unit to `loaded`, a
 * start right after is no restart at all (fleet still has it launched). And it is still reported
 * failed for a moment after it is set launched, since fleet publishes states late: the new start
 * must not be judged by the failure that made someone restart it. Each wait is bounded by
 * scheduleTimeoutMs; a start that fails again is still seen failed by waitUntilActive.
 */
async function until(fleet: FleetConfig, ctx: JobContext, done: () => Promise<boolean>): Promise<void> {
  const giveUpAt = Date.now() + fleet.scheduleTimeoutMs;
  while (Date.now() < giveUpAt && !ctx.signal.aborted) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, fleet.pollMs));
  }
}

async function finishChange(payload: Payload, unit: string, start: boolean, states: UnitState[] | undefined, machines: Machine[], ctx: JobContext): Promise<void> {
  const where = (states ?? []).map((s) => describeMachine(s.machineId, machines)).join(', ');
  const active = payload.action === 'restart' ? `${unit} restarted: active on ${where}.` : `${unit} is active on ${where}.`;
  await ctx.progress.finish('succeeded', start ? active : `${unit} is stopped (still loaded on ${where}; \`/dev units start ${unit}\` starts it again).`);
}

/** `/dev units list [service|unit]`, `/dev units start|stop|restart <unit>`. */
export const unitsJob: JobKind<Payload> = {
  kind: 'units',
  payloadSchema,
  title: (p) => `Units ${p.action}${p.unit ? ` ${p.unit}` : ''} (${p.environment})`,
  async run(payload, ctx) {
    if (payload.action === 'list') return list(payload, ctx);
    if (!payload.unit) throw new UsageError(`\`units ${payload.action}\` needs a <unit>.`);
    if (payload.action === 'restart') return restart({ ...payload, unit: payload.unit }, ctx);
    return change({ ...payload, unit: payload.unit }, ctx);
  },
};
