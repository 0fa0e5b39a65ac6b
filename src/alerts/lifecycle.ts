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
  /**
   * States to save, each with what to do about its message: `post` where it has none yet; `update`
   * the messages it has (and, while firing, post where it has none yet).
   */
  changed: Array<{ state: AlertState; action: 'post' | 'update' | 'none' }>;
  /** Keys to forget. */
  removed: string[];
}

const keyOf = (o: Observed) => `${o.environment}/${o.rule.name}/${o.finding.subject}`;

/** Where an alert's message must be in each of its channels: Slack when devbot has a bot token, else the console. */
export type PrimaryTransport = 'slack' | 'console';

/**
 * The channels of `state` without a message on `primary` yet. A state saved before messages named
 * their channel was posted to all its channels at once (or to none).
 */
export function unpostedChannels(state: AlertState, primary: PrimaryTransport): string[] {
  if (state.messages.some((m) => m.channel === undefined)) return [];
  return state.channels.filter((c) => !state.messages.some((m) => m.channel === c && m.transport.kind === primary));
}

/**
 * The alert lifecycle, pure. A condition fires once it has held for `forMs` and posts one message;
 * when it clears, that message says "resolved" (no second message). A re-fire within `repeatMs`
 * of resolving updates the same message and counts a flap. Events (leader changed) post once and
 * are done. A firing alert still without a message in one of its channels (that post failed) is
 * posted there on the next evaluation, and only there.
 */
export function advanceAlerts(previous: AlertState[], observed: Observed[], now: Date, repeatMs: number, primary: PrimaryTransport = 'slack'): LifecycleResult {
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
    const base = { summary: o.finding.summary, details: o.finding.details, advice: o.finding.advice, runbook: o.runbook, command: o.finding.command, channels: o.channels };
    const recentlyResolved = prev?.status === 'resolved' && age(prev.resolvedAt) <= repeatMs;
    if (prev?.status === 'firing') {
      const state = { ...prev, ...base };
      const news = prev.summary !== o.finding.summary || prev.details.join('\n') !== o.finding.details.join('\n');
      if (news && prev.messages.length) changed.push({ state, action: 'update' });
      else if (news || unpostedChannels(state, primary).length) changed.push({ state, action: 'post' });
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
