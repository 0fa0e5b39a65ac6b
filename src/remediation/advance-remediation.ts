import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { BotError, ConflictError } from '../errors.js';
import type { AlertState, AlertStore } from '../ports/alert-store.js';
import type { RemediationAttempt, RemediationStore } from '../ports/remediation-store.js';
import { AUTO_USER, MAX_FAILED_ATTEMPTS, renderAnnouncement, renderAnnouncementClosed, renderRemediationEnded, renderRemediationNote } from '../render/remediation.js';
import { REMEDIATION_ACTIONS } from './actions/index.js';
import { followJobs } from './follow-jobs.js';
import { blockedBy } from './guards.js';
import { startAutoJob } from './start-auto-job.js';
import { tellThreads, threadsOf, updateThreads } from './tell-threads.js';

export type RemediationDeps = Pick<Deps, 'config' | 'log' | 'now' | 'queue' | 'locks' | 'audit' | 'chatFor' | 'jobKinds' | 'jobState'> & {
  alertStore: AlertStore;
  remediation: RemediationStore;
};

/**
 * How long an environment's slot outlives the last evaluation that touched it: every evaluation
 * extends it, so a restarted worker carries the attempt on, and a slot whose workers are all gone
 * frees itself.
 */
const SLOT_TTL_MS = 15 * 60_000;
/** A guard that keeps an action waiting says so in the thread once per this long, not every tick. */
const NOTE_EVERY_MS = 30 * 60_000;
const HOUR_MS = 3_600_000;

/**
 * One step of auto-remediation, after each alert evaluation: tells button-started jobs' ends in
 * their alert threads, then per environment moves its one attempt along (grace → run → outcome)
 * or, when there is none, announces one for the first firing alert whose rule opts in and that
 * every guard lets through. Safe to run from several workers at once: the slot and the run
 * decision are atomic claims in Redis.
 */
export async function advanceRemediation(deps: RemediationDeps, quorum: Record<string, boolean | undefined>): Promise<void> {
  await followJobs(deps);
  const opted = Object.entries(deps.config.alerts.rules).filter(([, s]) => s.remediate);
  let alerts: AlertState[] | undefined;
  const pauses = await deps.remediation.pauses();
  for (const environment of Object.keys(deps.config.environments)) {
    const active = await deps.remediation.active(environment);
    if (!active && !opted.length) continue;
    alerts ??= await deps.alertStore.load();
    const facts = async () => ({
      environment, pauses, hasQuorum: quorum[environment], maxPerHour: maxPerHour(deps, environment),
      startsInLastHour: await deps.remediation.startsSince(environment, new Date(deps.now().getTime() - HOUR_MS)),
    });
    try {
      if (active) await advanceAttempt(active, alerts, facts, deps);
      else if (opted.length) await maybeAnnounce(environment, alerts, facts, deps);
    } catch (err) {
      deps.log.error({ err, environment }, 'auto-remediation step failed; trying again next evaluation');
    }
  }
}

const maxPerHour = (deps: RemediationDeps, environment: string) =>
  deps.config.alerts.remediation.environments[environment]?.maxPerHour ?? deps.config.alerts.remediation.maxPerHour;

type Facts = () => Promise<Parameters<typeof blockedBy>[0]>;

async function maybeAnnounce(environment: string, alerts: AlertState[], facts: Facts, deps: RemediationDeps): Promise<void> {
  const now = deps.now();
  for (const alert of alerts) {
    if (alert.environment !== environment || alert.status !== 'firing' || alert.kind !== 'condition') continue;
    const settings = deps.config.alerts.rules[alert.rule]?.remediate;
    const action = REMEDIATION_ACTIONS.find((a) => a.name === settings?.action && a.rules.includes(alert.rule));
    if (!settings || !action) continue;
    // A silence means a person has it; a Cancel means a person said no for this episode.
    if (alert.silencedUntil && Date.parse(alert.silencedUntil) > now.getTime()) continue;
    if (await deps.remediation.hasNote(alert.key, cancelNote(alert))) continue;
    const ended = await deps.remediation.endedAt(alert.key);
    const heldFrom = Math.max(Date.parse(alert.firedAt ?? alert.since), ended ? Date.parse(ended) : 0);
    const held = now.getTime() - heldFrom;
    if (held < settings.after) continue;
    if ((await deps.remediation.failures(alert.key)) >= MAX_FAILED_ATTEMPTS) continue;
    const text = action.commandFor(alert);
    const threads = threadsOf(alert);
    // Never act unannounced: an alert whose message is not posted yet waits for it.
    if (!text || threads.length === 0) continue;
    const blocked = blockedBy(await facts());
    if (blocked) {
      if (await deps.remediation.noteOnce(alert.key, blocked.note, NOTE_EVERY_MS)) {
        await tellThreads(threads, renderRemediationNote(`:hourglass: Auto-remediation (\`/dev ${text}\`) is waiting: ${blocked.reason}.`), deps);
      }
      continue;
    }
    const attempt: RemediationAttempt = {
      id: randomUUID().slice(0, 12), environment, alertKey: alert.key, rule: alert.rule, subject: alert.subject, action: action.name, label: action.label, text,
      phase: 'announced', announcedAt: now.toISOString(), runAt: new Date(now.getTime() + settings.grace).toISOString(), threads, announcements: [],
    };
    // Two evaluators at once: one takes the slot, the other stops here.
    if (!(await deps.remediation.claim(attempt, SLOT_TTL_MS))) return;
    attempt.announcements = await tellThreads(threads, renderAnnouncement(attempt, settings.grace, held), deps);
    await deps.remediation.update(attempt, SLOT_TTL_MS);
    await deps.audit.append({ event: 'remediation_announced', user: AUTO_USER, channel: threads[0]?.name ?? '', text, rule: `alerts.rules.${alert.rule}.remediate`, target: alert.subject, outcome: `runs at ${attempt.runAt} unless cancelled (attempt ${attempt.id})` });
    deps.log.info({ attempt: attempt.id, alert: alert.key, text, runAt: attempt.runAt }, 'auto-remediation announced');
    return;
  }
}

/** The note that keeps a cancelled alert from being remediated again in the same episode. */
export const cancelNote = (alert: Pick<AlertState, 'firedAt' | 'since'>) => `cancelled-${alert.firedAt ?? alert.since}`;

async function advanceAttempt(attempt: RemediationAttempt, alerts: AlertState[], facts: Facts, deps: RemediationDeps): Promise<void> {
  await deps.remediation.update(attempt, SLOT_TTL_MS);
  if (attempt.phase === 'running') return finishIfDone(attempt, deps);
  const alert = alerts.find((a) => a.key === attempt.alertKey);
  if (!alert || alert.status !== 'firing') return stopBeforeRun(attempt, 'the alert resolved during the grace period, so nothing was done.', deps);
  if (deps.now().getTime() < Date.parse(attempt.runAt)) return;
  const blocked = blockedBy(await facts());
  if (blocked) return stopBeforeRun(attempt, `not run: ${blocked.reason}.`, deps);
  const decided = await deps.remediation.decide(attempt.id, 'run', AUTO_USER);
  if (decided.decision === 'cancel') return void (await deps.remediation.release(attempt.environment, attempt.id));
  try {
    attempt.jobId = await startAutoJob(attempt, deps);
  } catch (e) {
    // A person's job on the same target is no failure of the action: it waits for another turn.
    const counted = !(e instanceof ConflictError);
    const why = e instanceof BotError ? e.userFacing : String(e);
    if (!(e instanceof BotError)) deps.log.error({ err: e, attempt: attempt.id }, 'could not start an automatic action');
    const failures = counted ? await deps.remediation.addFailure(attempt.alertKey) : 0;
    await updateThreads(attempt.announcements, renderAnnouncementClosed(attempt, `could not start: ${why}`), deps);
    if (counted) await tellThreads(attempt.threads, renderRemediationEnded({ ...attempt, jobId: '-' }, 'failed', `could not start: ${why}`, failures), deps);
    await endAttempt(attempt, deps);
    return;
  }
  attempt.phase = 'running';
  await deps.remediation.update(attempt, SLOT_TTL_MS);
  await deps.remediation.recordStart(attempt.environment, deps.now());
  await updateThreads(attempt.announcements, renderAnnouncementClosed(attempt, `the grace period ended: running as job \`${attempt.jobId}\` (${AUTO_USER}).`), deps);
  deps.log.info({ attempt: attempt.id, jobId: attempt.jobId, text: attempt.text }, 'auto-remediation started');
}

async function stopBeforeRun(attempt: RemediationAttempt, why: string, deps: RemediationDeps): Promise<void> {
  const decided = await deps.remediation.decide(attempt.id, 'cancel', AUTO_USER);
  if (decided.decision === 'run') return; // it started in another evaluator just now; that one reports it
  await updateThreads(attempt.announcements, renderAnnouncementClosed(attempt, why), deps);
  await deps.audit.append({ event: 'remediation_cancelled', user: AUTO_USER, channel: attempt.threads[0]?.name ?? '', text: attempt.text, rule: `alerts.rules.${attempt.rule}.remediate`, target: attempt.subject, outcome: why });
  await endAttempt(attempt, deps);
}

async function finishIfDone(attempt: RemediationAttempt, deps: RemediationDeps): Promise<void> {
  const job = await deps.queue.get(attempt.jobId!);
  if (job && job.state !== 'completed' && job.state !== 'failed') return;
  const result = (await deps.jobState.load(attempt.jobId!))?.result;
  const outcome = result?.outcome ?? (job?.state === 'completed' ? 'succeeded' : 'failed');
  const summary = result?.summary ?? job?.failedReason ?? 'the job is no longer known';
  const failures = outcome === 'succeeded' ? 0 : await deps.remediation.addFailure(attempt.alertKey);
  if (outcome === 'succeeded') await deps.remediation.clearFailures(attempt.alertKey);
  await tellThreads(attempt.threads, renderRemediationEnded(attempt, outcome, summary, failures), deps);
  deps.log.info({ attempt: attempt.id, jobId: attempt.jobId, outcome, failures }, 'auto-remediation ended');
  await endAttempt(attempt, deps);
}

async function endAttempt(attempt: RemediationAttempt, deps: RemediationDeps): Promise<void> {
  await deps.remediation.setEndedAt(attempt.alertKey, deps.now().toISOString());
  await deps.remediation.release(attempt.environment, attempt.id);
}
