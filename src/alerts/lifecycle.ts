import type { AlertState } from '../ports/alert-store.js';
import type { AlertRule, Finding } from './rule.js';

export interface Observed {
  rule: AlertRule;
  finding: Finding;
  environment: string;
  forMs: number;
  channels: string[];
  runbook?: string;
}

export interface LifecycleResult {
  /** States to save, each with what to do about its message. */
  changed: Array<{ state: AlertState; action: 'post' | 'update' | 'none' }>;
  /** Keys to forget. */
  removed: string[];
}

const keyOf = (o: Observed) => `${o.environment}/${o.rule.name}/${o.finding.subject}`;

/**
 * The alert lifecycle, pure. A condition fires once it has held for `forMs` and posts one message;
 * when it clears, that message says "resolved" (no second message). A re-fire within `repeatMs`
 * of resolving updates the same message and counts a flap. Events (leader changed) post once and
 * are done. A firing alert whose post failed is posted again on the next evaluation.
 */
export function advanceAlerts(previous: AlertState[], observed: Observed[], now: Date, repeatMs: number): LifecycleResult {
  const byKey = new Map(previous.map((s) => [s.key, s]));
  const seen = new Set<string>();
  const changed: LifecycleResult['changed'] = [];
  const removed: string[] = [];
  const iso = now.toISOString();
  const age = (t: string | undefined) => (t ? now.getTime() - new Date(t).getTime() : Infinity);

  for (const o of observed) {
    const key = keyOf(o);
    seen.add(key);
    const prev = byKey.get(key);
    const base = { summary: o.finding.summary, details: o.finding.details, advice: o.finding.advice, runbook: o.runbook, channels: o.channels };
    const recentlyResolved = prev?.status === 'resolved' && age(prev.resolvedAt) <= repeatMs;
    if (prev?.status === 'firing') {
      const retryPost = prev.messages.length === 0;
      const news = prev.summary !== o.finding.summary || prev.details.join('\n') !== o.finding.details.join('\n');
      if (retryPost || news) changed.push({ state: { ...prev, ...base }, action: retryPost ? 'post' : 'update' });
      continue;
    }
    if (recentlyResolved && prev) {
      if (o.rule.kind === 'event' && age(prev.firedAt) < repeatMs && prev.summary === o.finding.summary) continue;
      const status = o.rule.kind === 'event' ? 'resolved' : 'firing';
      changed.push({ state: { ...prev, ...base, status, firedAt: iso, resolvedAt: status === 'resolved' ? iso : undefined, flaps: prev.flaps + 1 }, action: prev.messages.length ? 'update' : 'post' });
      continue;
    }
    const since = prev?.status === 'pending' ? prev.since : iso;
    if (age(since) < o.forMs) {
      if (!prev) changed.push({ state: fresh(o, key, since, 'pending', base), action: 'none' });
      continue;
    }
    const status = o.rule.kind === 'event' ? 'resolved' : 'firing';
    changed.push({ state: { ...fresh(o, key, since, status, base), firedAt: iso, resolvedAt: status === 'resolved' ? iso : undefined }, action: 'post' });
  }

  for (const prev of previous) {
    if (seen.has(prev.key)) continue;
    if (prev.status === 'pending') removed.push(prev.key);
    else if (prev.status === 'firing') changed.push({ state: { ...prev, status: 'resolved', resolvedAt: iso }, action: prev.messages.length ? 'update' : 'none' });
    else if (age(prev.resolvedAt) > repeatMs) removed.push(prev.key);
  }
  return { changed, removed };
}

function fresh(o: Observed, key: string, since: string, status: AlertState['status'], base: Partial<AlertState>): AlertState {
  return {
    key, environment: o.environment, rule: o.rule.name, subject: o.finding.subject, severity: o.rule.severity, kind: o.rule.kind,
    status, since, flaps: 0, summary: '', details: [], advice: '', channels: [], messages: [], ...base,
  };
}
