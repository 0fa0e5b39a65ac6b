import type { DeploymentRecord } from '../../ports/deployments.js';
import type { ScheduledUnit, UnitState } from '../../ports/scheduler.js';
import type { RenderedUnit } from '../../units/render-units.js';
import { hashUnit } from '../../units/serialize-unit.js';
import { serviceOfUnit } from '../../units/unit-names.js';

/**
 * What happens to one unit: `create` (new), `replace` (destroy, then create: its file changed or it
 * failed), `wait` (already submitted with this file and starting: watch it), `keep` (same file, running).
 */
export interface UnitChange {
  unit: RenderedUnit;
  action: 'create' | 'replace' | 'wait' | 'keep';
  why: string;
}

export interface DeployPlan {
  service: string;
  /** The version recorded as running, if any. */
  from?: string;
  to: string;
  template?: UnitChange;
  /** Running units, in rolling order. */
  changes: UnitChange[];
  /** Units of the service that the catalog no longer has (scaled down, or renamed). */
  remove: string[];
}

function changeOf(unit: RenderedUnit, existing: ScheduledUnit | undefined, states: UnitState[]): UnitChange {
  if (!existing) return { unit, action: 'create', why: 'new' };
  const hash = hashUnit(existing.options);
  if (hash !== unit.hash) return { unit, action: 'replace', why: 'unit file changed' };
  if (unit.role === 'template') return { unit, action: 'keep', why: 'unchanged' };
  // Right after a replace, fleet's /state may still show the old file's row (its agent reports
  // late): once a row of this file is reported, rows of other files are stale.
  const named = states.filter((s) => s.name === unit.name);
  const mine = named.some((s) => s.hash === unit.hash) ? named.filter((s) => s.hash === unit.hash) : named;
  if (existing.desiredState !== 'launched') return { unit, action: 'replace', why: `desired state is ${existing.desiredState}` };
  if (mine.some((s) => s.activeState === 'failed' || s.subState === 'auto-restart')) return { unit, action: 'replace', why: 'failed' };
  if (mine.length > 0 && mine.every((s) => s.activeState === 'active')) return { unit, action: 'keep', why: 'unchanged and active' };
  return { unit, action: 'wait', why: 'unchanged, starting' };
}

/** The newest recorded version that ran, as deploys and rollbacks left it. */
export function currentVersion(history: DeploymentRecord[]): string | undefined {
  return history.find((r) => r.outcome === 'succeeded')?.version;
}

/** Compares the rendered units with what fleet has. Pure: the same inputs always give the same plan. */
export function planDeploy(input: { service: string; version: string; rendered: RenderedUnit[]; units: ScheduledUnit[]; states: UnitState[]; history: DeploymentRecord[] }): DeployPlan {
  const byName = new Map(input.units.map((u) => [u.name, u]));
  // A unit still "starting" with the very file whose rollout last failed is most likely crash-looping
  // (caught between two restarts): start it afresh rather than wait for it again.
  const last = input.history[0];
  const failedLastTime = (c: UnitChange): UnitChange =>
    c.action === 'wait' && last?.outcome === 'failed' && last.units[c.unit.name] === c.unit.hash ? { ...c, action: 'replace', why: 'failed in the last rollout' } : c;
  const wanted = new Set(input.rendered.map((u) => u.name));
  const template = input.rendered.find((u) => u.role === 'template');
  return {
    service: input.service,
    from: currentVersion(input.history),
    to: input.version,
    template: template && changeOf(template, byName.get(template.name), input.states),
    changes: input.rendered.filter((u) => u.role === 'unit').map((u) => failedLastTime(changeOf(u, byName.get(u.name), input.states))),
    remove: input.units.filter((u) => serviceOfUnit(u.name) === input.service && !wanted.has(u.name)).map((u) => u.name).sort(),
  };
}
