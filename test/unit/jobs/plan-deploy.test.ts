import { describe, expect, it } from 'vitest';
import { planDeploy } from '../../../src/jobs/deploy/plan-deploy.js';
import { rollbackTarget } from '../../../src/jobs/rollback.job.js';
import type { DeploymentRecord } from '../../../src/ports/deployments.js';
import type { ScheduledUnit, UnitState } from '../../../src/ports/scheduler.js';
import { loadCatalog } from '../../../src/units/load-catalog.js';
import { renderService } from '../../../src/units/render-units.js';

const catalog = loadCatalog('test/unit/units/fixtures/edge-cases.yaml');
const v7 = renderService('worker', catalog, '7');
const v8 = renderService('worker', catalog, '8');

/** A unit as fleet holds it: `name` with the options of `like` at that version. */
const submitted = (name: string, version: typeof v7, desiredState: ScheduledUnit['desiredState'] = 'launched', like = name): ScheduledUnit => ({ name, options: version.find((u) => u.name === like)!.options, desiredState });
const state = (name: string, activeState: string, subState = activeState === 'active' ? 'running' : activeState): UnitState => ({ name, hash: 'h', machineId: 'm1', loadState: 'loaded', activeState, subState });
const record = (version: string, outcome: DeploymentRecord['outcome'], at: string): DeploymentRecord => ({ service: 'worker', version, kind: 'deploy', outcome, units: {}, user: 'alice', at, jobId: `job-${at}` });

describe('planDeploy', () => {
  it('creates everything on a cluster that has none of it', () => {
    const plan = planDeploy({ service: 'worker', version: '8', rendered: v8, units: [], states: [], history: [] });
    expect(plan.template?.action).toBe('create');
    expect(plan.changes.map((c) => `${c.unit.name} ${c.action}`)).toEqual(['worker@1.service create', 'worker@2.service create', 'worker@3.service create']);
    expect(plan.from).toBeUndefined();
  });

  it('replaces changed units, keeps active unchanged ones, waits for starting ones, replaces failed ones', () => {
    const units = [submitted('worker@.service', v7, 'inactive'), submitted('worker@1.service', v8), submitted('worker@2.service', v8), submitted('worker@3.service', v7), submitted('worker@4.service', v7, 'launched', 'worker@3.service')];
    const states = [state('worker@1.service', 'active'), state('worker@2.service', 'activating', 'start-pre'), state('worker@3.service', 'active'), state('worker@4.service', 'active')];
    const plan = planDeploy({ service: 'worker', version: '8', rendered: v8, units, states, history: [record('7', 'succeeded', '2026-01-01T00:00:00Z')] });
    expect(plan.template?.action).toBe('replace');
    expect(plan.changes.map((c) => `${c.unit.name} ${c.action}`)).toEqual(['worker@1.service keep', 'worker@2.service wait', 'worker@3.service replace']);
    expect(plan.remove).toEqual(['worker@4.service']);
    expect(plan.from).toBe('7');

    const failed = planDeploy({ service: 'worker', version: '8', rendered: v8, units, states: [state('worker@1.service', 'failed')], history: [] });
    expect(failed.changes[0]).toMatchObject({ action: 'replace', why: 'failed' });
  });

  it('leaves other services\' units alone', () => {
    const other = { name: 'workers-ui.service', options: [], desiredState: 'launched' as const };
    expect(planDeploy({ service: 'worker', version: '8', rendered: v8, units: [other], states: [], history: [] }).remove).toEqual([]);
  });
});

describe('rollbackTarget', () => {
  it('after a successful deploy: the version before it', () => {
    const history = [record('8', 'succeeded', '3'), record('8', 'succeeded', '2'), record('7', 'succeeded', '1')];
    expect(rollbackTarget(history, 'worker', 'prod').target.version).toBe('7');
  });

  it('after a failed deploy: the version that ran before it', () => {
    const history = [record('9', 'failed', '3'), record('8', 'succeeded', '2'), record('7', 'succeeded', '1')];
    expect(rollbackTarget(history, 'worker', 'prod')).toMatchObject({ current: { version: '9' }, target: { version: '8' } });
  });

  it('refuses when there is nothing earlier', () => {
    expect(() => rollbackTarget([], 'worker', 'prod')).toThrow(/No deployment of worker is recorded in prod/);
    expect(() => rollbackTarget([record('8', 'succeeded', '1')], 'worker', 'prod')).toThrow(/No version of worker other than 8/);
  });
});
