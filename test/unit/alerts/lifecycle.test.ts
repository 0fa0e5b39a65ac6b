import { describe, expect, it } from 'vitest';
import { advanceAlerts, type Observed } from '../../../src/alerts/lifecycle.js';
import type { AlertRule } from '../../../src/alerts/rule.js';
import type { AlertState } from '../../../src/ports/alert-store.js';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  name: 'etcd-quorum-lost', severity: 'critical', forMs: 0, kind: 'condition', appliesTo: () => true, evaluate: () => [], ...over,
});
const seen = (r: AlertRule, forMs = r.forMs, summary = 'etcd has lost quorum'): Observed => ({
  rule: r, environment: 'prod', forMs, channels: ['ops'], finding: { subject: 'cluster', summary, details: ['e2 down'], advice: 'bring it back' },
});
const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 3, 0, s));
const REPEAT = 60_000;

/** Runs evaluations in sequence, feeding each one's saved states to the next, as the store does. */
function run(steps: Array<{ t: number; observed: Observed[] }>) {
  let states: AlertState[] = [];
  const actions: Array<{ t: number; action: string; status: string; flaps: number }> = [];
  for (const { t, observed } of steps) {
    const { changed, removed } = advanceAlerts(states, observed, at(t), REPEAT);
    for (const c of changed) {
      // The poster records a message for every post that went through.
      if (c.action === 'post') c.state.messages = [{ transport: { kind: 'slack' }, ref: { channel: 'C1', ts: `${t}.0` } }];
      if (c.action !== 'none') actions.push({ t, action: c.action, status: c.state.status, flaps: c.state.flaps });
    }
    const byKey = new Map(states.map((s) => [s.key, s]));
    for (const c of changed) byKey.set(c.state.key, c.state);
    for (const k of removed) byKey.delete(k);
    states = [...byKey.values()];
  }
  return { actions, states };
}

describe('advanceAlerts', () => {
  it('fires once, stays quiet while it holds, and resolves the same message when it clears', () => {
    const r = rule();
    const { actions, states } = run([
      { t: 0, observed: [seen(r)] },
      { t: 2, observed: [seen(r)] },
      { t: 4, observed: [seen(r)] },
      { t: 6, observed: [] },
    ]);
    expect(actions).toEqual([
      { t: 0, action: 'post', status: 'firing', flaps: 0 },
      { t: 6, action: 'update', status: 'resolved', flaps: 0 },
    ]);
    expect(states[0]).toMatchObject({ key: 'prod/etcd-quorum-lost/cluster', firedAt: at(0).toISOString(), resolvedAt: at(6).toISOString() });
  });

  it('waits for `for` before firing, and never fires for a blip shorter than that', () => {
    const r = rule({ forMs: 3000 });
    expect(run([{ t: 0, observed: [seen(r)] }, { t: 2, observed: [] }, { t: 4, observed: [] }]).actions).toEqual([]);
    expect(run([{ t: 0, observed: [seen(r)] }, { t: 2, observed: [seen(r)] }, { t: 4, observed: [seen(r)] }]).actions).toEqual([{ t: 4, action: 'post', status: 'firing', flaps: 0 }]);
  });

  it('a re-fire within `repeat` updates the same message and counts the flap', () => {
    const r = rule();
    const { actions } = run([
      { t: 0, observed: [seen(r)] },
      { t: 2, observed: [] },
      { t: 4, observed: [seen(r)] },
      { t: 6, observed: [] },
      { t: 8, observed: [seen(r)] },
    ]);
    expect(actions.map((a) => [a.action, a.status, a.flaps])).toEqual([
      ['post', 'firing', 0],
      ['update', 'resolved', 0],
      ['update', 'firing', 1],
      ['update', 'resolved', 1],
      ['update', 'firing', 2],
    ]);
  });

  it('forgets a resolved alert after `repeat`, so a much later incident gets a message of its own', () => {
    const r = rule();
    const { actions } = run([{ t: 0, observed: [seen(r)] }, { t: 2, observed: [] }, { t: 100, observed: [] }, { t: 102, observed: [seen(r)] }]);
    expect(actions.map((a) => a.action)).toEqual(['post', 'update', 'post']);
  });

  it('posts again on the next evaluation when the post failed', () => {
    const r = rule();
    const first = advanceAlerts([], [seen(r)], at(0), REPEAT);
    expect(first.changed[0]!.action).toBe('post');
    const failed = first.changed.map((c) => c.state); // messages stayed empty
    expect(advanceAlerts(failed, [seen(r)], at(2), REPEAT).changed[0]!.action).toBe('post');
  });

  it('updates the message when what it says changes', () => {
    const r = rule();
    const { actions } = run([{ t: 0, observed: [seen(r)] }, { t: 2, observed: [seen(r, 0, 'etcd has lost quorum: 3 of 3 down')] }]);
    expect(actions.map((a) => a.action)).toEqual(['post', 'update']);
  });

  it('events post once and do not resolve', () => {
    const r = rule({ name: 'etcd-leader-changed', kind: 'event', severity: 'info' });
    const { actions, states } = run([{ t: 0, observed: [seen(r)] }, { t: 2, observed: [seen(r)] }, { t: 4, observed: [] }]);
    expect(actions).toEqual([{ t: 0, action: 'post', status: 'resolved', flaps: 0 }]);
    expect(states[0]!.status).toBe('resolved');
  });
});
