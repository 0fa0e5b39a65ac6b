import { z } from 'zod';
import { UpstreamError } from '../../errors.js';
import type { Machine, ScheduledUnit, UnitState } from '../../ports/scheduler.js';

/** fleet's JSON, every field optional as its Go structs are `omitempty`. */
const option = z.object({ section: z.string().default(''), name: z.string().default(''), value: z.string().default('') });
const state = z.enum(['inactive', 'loaded', 'launched']);
export const unitWire = z.object({
  name: z.string(),
  options: z.array(option).default([]),
  desiredState: state.optional(),
  currentState: state.optional(),
  machineID: z.string().optional(),
});
const stateWire = z.object({
  name: z.string(),
  hash: z.string().default(''),
  machineID: z.string().default(''),
  systemdLoadState: z.string().default(''),
  systemdActiveState: z.string().default(''),
  systemdSubState: z.string().default(''),
});
const machineWire = z.object({ id: z.string(), primaryIP: z.string().default(''), metadata: z.record(z.string(), z.string()).default({}) });

export const PAGES = {
  units: z.object({ units: z.array(unitWire).default([]), nextPageToken: z.string().optional() }),
  states: z.object({ states: z.array(stateWire).default([]), nextPageToken: z.string().optional() }),
  machines: z.object({ machines: z.array(machineWire).default([]), nextPageToken: z.string().optional() }),
};

/** Parses a body with `schema`, or says plainly that fleet answered something unexpected. */
export function readWire<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new UpstreamError(`fleet answered ${what} with an unexpected body (${parsed.error.issues[0]?.message ?? 'invalid'}).`, { service: 'fleet', retryable: false });
  return parsed.data;
}

export const toUnit = (u: z.infer<typeof unitWire>): ScheduledUnit => ({
  name: u.name,
  options: u.options,
  desiredState: u.desiredState ?? 'inactive',
  currentState: u.currentState,
  machineId: u.machineID || undefined,
});

export const toState = (s: z.infer<typeof stateWire>): UnitState => ({
  name: s.name,
  hash: s.hash,
  machineId: s.machineID,
  loadState: s.systemdLoadState,
  activeState: s.systemdActiveState,
  subState: s.systemdSubState,
});

export const toMachine = (m: z.infer<typeof machineWire>): Machine => ({ id: m.id, ip: m.primaryIP, metadata: m.metadata });
