import type { DeployPlan, UnitChange } from '../jobs/deploy/plan-deploy.js';
import type { ChatMessage } from '../ports/chat.js';
import type { DeploymentRecord } from '../ports/deployments.js';
import type { ProgressState } from '../ports/job-state.js';
import type { FailureJournal } from '../jobs/deploy/failed-unit-journal.js';
import type { ServiceSpec } from '../units/catalog-schema.js';
import { escapeMrkdwn, fitMessage, section } from './limits.js';

const ACTION: Record<UnitChange['action'], string> = { create: 'create', replace: 'replace', wait: 'wait for (already submitted)', keep: 'keep (unchanged, active)' };

function unitLines(plan: DeployPlan): string[] {
  const changes = [...(plan.template ? [plan.template] : []), ...plan.changes];
  return [
    ...changes.map((c) => `${c.unit.name} — ${ACTION[c.action]}${c.action === 'replace' ? ` (${c.why})` : ''}${c.unit.role === 'template' ? ' [template]' : ''}`),
    ...plan.remove.map((u) => `${u} — remove (no longer in the catalog)`),
  ];
}

function howItRolls(spec: ServiceSpec): string {
  const check = spec.health ? (spec.health.http ? `HTTP ${spec.health.http}` : `\`${spec.health.command?.join(' ')}\``) : undefined;
  const gate = check ? `active and passing its health check (${check})` : 'active (no health check in the catalog)';
  return `One instance at a time: each must be ${gate} before the next. On a failure devbot stops there and offers a rollback.`;
}

/** What `/dev deploy` or `/dev rollback` will do, shown above Confirm / Cancel. No env values, ever. */
export function renderDeployPreview(input: { plan: DeployPlan; spec: ServiceSpec; environment: string; kind: DeploymentRecord['kind'] }): ChatMessage {
  const { plan, environment } = input;
  const what = input.kind === 'rollback' ? 'Rollback' : 'Deploy';
  const versions = plan.from ? `${plan.from} → ${plan.to}` : `${plan.to} (no earlier deployment recorded)`;
  const lines = unitLines(plan);
  const text = [`${what} of ${plan.service} in ${environment}: ${versions}`, 'Units:', ...lines.map((l) => `  ${l}`), howItRolls(input.spec)].join('\n');
  return fitMessage({
    text,
    blocks: [
      section(`*${what} of ${escapeMrkdwn(plan.service)}* in ${escapeMrkdwn(environment)}: *${escapeMrkdwn(versions)}*`),
      section(`*Units*\n${lines.map((l) => `• ${escapeMrkdwn(l)}`).join('\n')}`),
      section(escapeMrkdwn(howItRolls(input.spec))),
    ],
  });
}

interface FailedDeploy {
  plan: DeployPlan;
  kind: DeploymentRecord['kind'];
  environment: string;
  /** The failed unit's journal, when SSH to the machines is configured (failed-unit-journal.ts). */
  journal?: FailureJournal;
}

/** What the failure message shows besides its summary: the journal's last lines, and a Rollback button where there is a version to go back to. */
export function failureExtras(f: FailedDeploy): Pick<ProgressState, 'excerpt' | 'offers'> {
  const j = f.journal;
  const excerpt = j && 'lines' in j && j.lines.length ? { title: `Last ${j.lines.length} journal lines of ${j.unit} on ${j.machine}`, text: j.lines.join('\n') } : undefined;
  const { plan } = f;
  const back = f.kind === 'deploy' && plan.from && plan.from !== plan.to;
  return {
    ...(excerpt ? { excerpt } : {}),
    ...(back ? { offers: [{ action: 'rollback' as const, label: `Rollback to ${plan.from}`, command: `rollback ${plan.service} --env ${f.environment}` }] } : {}),
  };
}

function journalNote(j: FailureJournal | undefined): string {
  if (!j) return '';
  if ('unavailable' in j) return `Journal of ${j.unit} unavailable: ${j.unavailable.replace(/\.$/, '')}.`;
  return j.lines.length ? `Its journal's last lines are below.` : `Its journal on ${j.machine} has no lines.`;
}

/** The failure summary of a deploy or rollback: what failed and in what state, what was done, and the way back. */
export function describeFailedDeploy(f: FailedDeploy & { error: string; failedUnit?: string; done: string[] }): string {
  const { plan } = f;
  const at = plan.changes.findIndex((c) => c.unit.name === f.failedUnit);
  const untouched = at >= 0 ? plan.changes.slice(at + 1).filter((c) => c.action !== 'keep').map((c) => c.unit.name) : [];
  const parts = [
    `${f.error} Stopped there.`,
    f.done.length ? `Done before: ${f.done.join('; ')}.` : '',
    untouched.length ? `Not touched: ${untouched.join(', ')}${plan.from ? ` (still ${plan.from})` : ''}.` : '',
  ];
  if (f.kind === 'rollback') parts.push(`The rollback itself failed: check that machine; \`/dev units list ${plan.service} --env ${f.environment}\` shows every instance.`);
  else if (plan.from && plan.from !== plan.to) parts.push(`Roll back to ${plan.from} with \`/dev rollback ${plan.service} --env ${f.environment}\`.`);
  else parts.push('No earlier version is recorded to roll back to: fix the cause and deploy again (Retry).');
  parts.push(journalNote(f.journal));
  return parts.filter(Boolean).join(' ');
}
