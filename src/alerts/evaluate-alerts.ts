import type { Deps } from '../deps.js';
import type { AlertStore } from '../ports/alert-store.js';
import type { ConsoleListeners } from '../ports/console-listeners.js';
import { renderAlert } from '../render/alert.js';
import { trackChannelFailures } from './channel-failures.js';
import { collectSnapshot } from './collect-snapshot.js';
import { advanceAlerts, type Observed } from './lifecycle.js';
import { postAlert, updateAlert } from './post-alert.js';
import type { AlertRule, Snapshot } from './rule.js';
import { advanceRemediation } from '../remediation/advance-remediation.js';

export type AlertDeps = Pick<Deps, 'config' | 'log' | 'now' | 'clusterFor' | 'electionsFor' | 'schedulerFor' | 'groupsFor' | 'chatFor' | 'metrics' | 'backupsFor' | 'backupAttempts' | 'queue' | 'locks' | 'audit' | 'jobKinds' | 'jobState' | 'remediation'> & {
  alertStore: AlertStore;
  consoleListeners: ConsoleListeners;
  rules: AlertRule[];
  /** Called once after an evaluation in which some alert fired or resolved (Home tabs refresh). Should not throw. */
  onAlertsChanged?: () => Promise<unknown>;
};

/** Alerts go to the rule's channels, else `alerts.channels`, else the channels bound to the environment. */
function routeFor(deps: AlertDeps, environment: string, ruleChannels?: string[]): string[] {
  if (ruleChannels?.length) return ruleChannels;
  if (deps.config.alerts.channels.length) return deps.config.alerts.channels;
  return Object.entries(deps.config.channels).filter(([, c]) => c.environment === environment).map(([name]) => name);
}

/** A machine is remembered for an hour after it was last seen; longer gone, it is forgotten (and its alert resolves). */
const REMEMBER_MACHINES_MS = 3_600_000;

function rememberMachines(now: Snapshot, previous: Snapshot | undefined): Snapshot['knownMachines'] {
  const known = { ...(previous?.knownMachines ?? {}) };
  if (!now.fleet) return known; // fleet did not answer: nothing is known to be gone
  for (const m of now.fleet.machines) known[m.id] = { lastSeen: now.at.toISOString(), ip: m.ip, metadata: m.metadata };
  for (const [id, m] of Object.entries(known)) if (now.at.getTime() - new Date(m.lastSeen).getTime() > REMEMBER_MACHINES_MS) delete known[id];
  return known;
}

/** One evaluation: probe every environment, run the rules, advance each alert, post / update / resolve. */
export async function evaluateAlerts(deps: AlertDeps): Promise<{ posted: number; updated: number }> {
  const observed: Observed[] = [];
  const quorum: Record<string, boolean> = {};
  for (const [environment, envConfig] of Object.entries(deps.config.environments)) {
    const snapshot = await collectSnapshot(environment, deps);
    quorum[environment] = snapshot.etcd.hasQuorum;
    const previous = (await deps.alertStore.lastSnapshot(environment)) as Snapshot | undefined;
    snapshot.knownMachines = rememberMachines(snapshot, previous);
    for (const rule of deps.rules) {
      const settings = deps.config.alerts.rules[rule.name] ?? {};
      if (settings.enabled === false || !rule.appliesTo(envConfig)) continue;
      const effective = { ...rule, severity: settings.severity ?? rule.severity };
      for (const finding of rule.evaluate(snapshot, previous)) {
        observed.push({ rule: effective, finding, environment, forMs: settings.forMs ?? rule.forMs, channels: routeFor(deps, environment, settings.channels), runbook: settings.runbook });
      }
    }
    // What the next evaluation compares with: the last leader seen (an evaluation in the middle of
    // an election sees none, and the change is from the old leader to the new), the groups, and every machine seen lately.
    await deps.alertStore.saveSnapshot(environment, { environment, etcd: { leader: snapshot.etcd.leader ?? previous?.etcd.leader }, groups: snapshot.groups ?? previous?.groups, knownMachines: snapshot.knownMachines });
  }
  const [previous, silences] = await Promise.all([deps.alertStore.load(), deps.alertStore.silences()]);
  const now = deps.now();
  const { changed, removed } = advanceAlerts(previous, observed, now, deps.config.alerts.repeatMs, deps.config.slack.botToken ? 'slack' : 'console');
  const failures = await trackChannelFailures(deps, now);
  let posted = 0;
  let updated = 0;
  for (const change of changed) {
    const state = change.state;
    const silence = silences[state.key];
    state.silencedUntil = silence?.until;
    state.silencedBy = silence?.by;
    if (change.action === 'update' && state.messages.length) {
      await updateAlert(state.messages, renderAlert(state, now), deps);
      updated++;
    }
    // A channel whose post failed is tried again on a later evaluation; the others keep their one message.
    const postWhereMissing = change.action === 'post' || (change.action === 'update' && state.status === 'firing');
    if (postWhereMissing && !silence) posted += (await postAlert(state, renderAlert(state, now), deps, failures)) ? 1 : 0;
  }
  await deps.alertStore.save(changed.map((c) => c.state));
  await deps.alertStore.remove(removed);
  const statusBefore = new Map(previous.map((s) => [s.key, s.status]));
  const firedOrResolved = changed.some((c) => c.state.status !== 'pending' && statusBefore.get(c.state.key) !== c.state.status);
  if (firedOrResolved) await deps.onAlertsChanged?.().catch((err: unknown) => deps.log.warn({ err }, 'alert change hook failed'));
  // After the alerts are saved: remediation acts on what was just posted (its thread) and sees this evaluation's quorum.
  // A remediation step that fails (Redis hiccup) is logged and retried next tick; it never fails the alerts' evaluation.
  if (deps.remediation) await advanceRemediation({ ...deps, remediation: deps.remediation }, quorum).catch((err: unknown) => deps.log.error({ err }, 'auto-remediation step failed'));
  return { posted, updated };
}
