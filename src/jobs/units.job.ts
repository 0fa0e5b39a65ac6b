import { z } from 'zod';
import { UsageError } from '../errors.js';
import { renderUnitsList } from '../render/units.js';
import { normalizeUnitName, serviceOfUnit } from '../units/unit-names.js';
import { fleetOf } from './deploy/fleet-context.js';
import { describeMachine, waitUntilActive, waitUntilStopped, type WatchOptions } from './deploy/wait-for-unit.js';
import type { JobContext, JobKind } from './job-kind.js';

const payloadSchema = z.object({ action: z.enum(['list', 'start', 'stop']), unit: z.string().optional(), environment: z.string() });
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

/** start: desired `launched` (fleetctl start); stop: desired `loaded` (fleetctl stop: stays on its machine). */
async function change(payload: Payload & { unit: string }, ctx: JobContext): Promise<void> {
  const { fleet, scheduler } = fleetOf(ctx.deps, payload.environment);
  const unit = normalizeUnitName(payload.unit);
  if (/@\./.test(unit)) throw new UsageError(`${unit} is a template; start or stop one of its instances (${unit.replace('@.', '@1.')}).`);
  const start = payload.action === 'start';
  const machines = await scheduler.machines({ signal: ctx.signal });
  await ctx.progress.step(`Set ${unit} to ${start ? 'launched' : 'loaded'}`, () => scheduler.setDesiredState(unit, start ? 'launched' : 'loaded'));
  const watch: WatchOptions = {
    scheduler, unit, machines, signal: ctx.signal, log: (l) => ctx.progress.log(l),
    pollMs: fleet.pollMs, scheduleTimeoutMs: fleet.scheduleTimeoutMs, timeoutMs: fleet.startTimeoutMs,
  };
  const states = await ctx.progress.step(`Wait until ${unit} is ${start ? 'active' : 'stopped'}`, () => (start ? waitUntilActive(watch) : waitUntilStopped(watch)));
  const where = (states ?? []).map((s) => describeMachine(s.machineId, machines)).join(', ');
  await ctx.progress.finish('succeeded', start ? `${unit} is active on ${where}.` : `${unit} is stopped (still loaded on ${where}; \`/dev units start ${unit}\` starts it again).`);
}

/** `/dev units list [service|unit]`, `/dev units start|stop <unit>`. */
export const unitsJob: JobKind<Payload> = {
  kind: 'units',
  payloadSchema,
  title: (p) => `Units ${p.action}${p.unit ? ` ${p.unit}` : ''} (${p.environment})`,
  async run(payload, ctx) {
    if (payload.action === 'list') return list(payload, ctx);
    if (!payload.unit) throw new UsageError(`\`units ${payload.action}\` needs a <unit>.`);
    return change({ ...payload, unit: payload.unit }, ctx);
  },
};
