import type { ConvergePlan, ServicePlan } from '../jobs/converge/plan-converge.js';
import type { ServiceStatus } from '../jobs/converge/service-status.js';
import type { ChatMessage } from '../ports/chat.js';
import { chunkLines } from './chunk-lines.js';
import { escapeMrkdwn, fitMessage, section, SLACK_LIMITS } from './limits.js';

const versions = (sp: ServicePlan) => (sp.deploy.from && sp.deploy.from !== sp.deploy.to ? `${sp.deploy.from} → ${sp.deploy.to}` : sp.deploy.to);

/** What happens to each unit of a service: `gerrit.service replace (unit file changed)`. */
function unitWords(sp: ServicePlan, prune: boolean): string {
  const changes = [...(sp.deploy.template ? [sp.deploy.template] : []), ...sp.deploy.changes];
  const words = changes.filter((c) => c.action !== 'keep').map((c) => `${c.unit.name} ${c.action}${c.action === 'replace' ? ` (${c.why})` : ''}`);
  const extra = sp.deploy.remove.map((u) => `${u} ${prune ? 'remove' : 'not in the catalog, left alone'}`);
  return [...words, ...extra].join(', ');
}

/** One line per service of the plan: `gerrit 2.15 → 2.16: update — gerrit.service replace (unit file changed); after postgres-ambassador`. */
export function planLines(plan: ConvergePlan): string[] {
  const lines = plan.services.map((sp) => {
    const what = sp.action === 'keep' ? 'keep (as the catalog says, active)' : `${sp.action} — ${unitWords(sp, plan.prune)}`;
    return `${sp.service} ${versions(sp)}: ${what}${sp.needs.length ? `; after ${sp.needs.join(', ')}` : ''}`;
  });
  const unknown = plan.unknown.map((u) => `${u}: not in the catalog — ${plan.prune ? 'remove' : 'left alone (--prune removes it)'}`);
  return [...lines, ...unknown];
}

/** What `/dev converge` will do, shown above Confirm / Cancel in a protected environment. */
export function renderConvergePreview(plan: ConvergePlan): ChatMessage {
  const changing = plan.services.filter((s) => s.action !== 'keep').length;
  const title = `Converge of ${plan.environment}: ${changing} of ${plan.services.length} service${plan.services.length === 1 ? '' : 's'} to change${plan.prune && plan.unknown.length ? `, ${plan.unknown.length} unit(s) to remove` : ''}`;
  const how = `Services in dependency order, up to ${plan.parallelism} at once, each one instance at a time: active and passing its health check before the next. On a failure devbot starts nothing new and reports what is active, what failed and what did not start.`;
  const lines = planLines(plan);
  return fitMessage({
    text: [title, ...lines.map((l) => `  ${l}`), how].join('\n'),
    blocks: [section(`*${escapeMrkdwn(title)}*`), ...chunkLines(lines.map((l) => `• ${escapeMrkdwn(l)}`), SLACK_LIMITS.sectionText - 100).map((c) => section(c)), section(escapeMrkdwn(how))],
  });
}

function statusWords(s: ServiceStatus): string {
  switch (s.state) {
    case 'kept':
      return 'unchanged, active';
    case 'waiting':
      return `waiting on ${s.on.join(', ')}`;
    case 'queued':
      return 'ready, waiting for a free slot';
    case 'locked':
      return `waiting for its lock: ${s.detail}`;
    case 'starting':
      return 'starting';
    case 'active':
      return 'active';
    case 'failed':
      return `failed${s.unitState ? ` (${s.unitState})` : ''}`;
    case 'blocked':
      return `not started: needs ${s.on.join(', ')}, which did not come up`;
    case 'stopped':
      return 'not started: converge stopped after a failure';
  }
}

const MARK: Record<ServiceStatus['state'], string> = { kept: '✓', active: '✓', failed: '✗', starting: '…', waiting: '·', queued: '·', locked: '·', blocked: '–', stopped: '–' };

/** The message's line per service while a converge runs (and after it ended). */
export function boardLines(plan: ConvergePlan, status: Map<string, ServiceStatus>): string[] {
  return plan.services.map((sp) => {
    const s = status.get(sp.service) ?? { state: 'waiting', on: sp.needs };
    return `${MARK[s.state]} ${sp.service} ${versions(sp)}: ${statusWords(s)}`;
  });
}

const names = (status: Map<string, ServiceStatus>, ...states: Array<ServiceStatus['state']>) => [...status].filter(([, s]) => states.includes(s.state)).map(([n]) => n);

/** The end of a converge that stopped at a failure: what is active, what failed and how, what never started and why. */
export function describeFailedConverge(environment: string, status: Map<string, ServiceStatus>): string {
  const failed = [...status].flatMap(([n, s]) => (s.state === 'failed' ? [`${n} (${s.error.replace(/\.$/, '')})`] : []));
  const blocked = [...status].flatMap(([n, s]) => (s.state === 'blocked' ? [`${n} (needs ${s.on.join(', ')})`] : []));
  const active = names(status, 'active', 'kept');
  const stopped = names(status, 'stopped');
  return [
    `Converge of ${environment} stopped: ${failed.join('; ')}.`,
    active.length ? `Active: ${active.join(', ')}.` : 'Nothing is active.',
    blocked.length ? `Not started, as they depend on what failed: ${blocked.join(', ')}.` : '',
    stopped.length ? `Not started, as the converge stopped after the failure: ${stopped.join(', ')}.` : '',
    'Retry converges again, keeping what is already as the catalog says.',
  ].filter(Boolean).join(' ');
}

/** The end of a converge that brought every service up. */
export function describeConverged(plan: ConvergePlan, status: Map<string, ServiceStatus>, tookMs: number, removed: string[]): string {
  const changed = names(status, 'active');
  const units = plan.services.reduce((n, s) => n + s.deploy.changes.length, 0);
  const left = plan.prune ? [] : plan.unknown;
  return [
    `${plan.environment} matches the catalog: ${plan.services.length} service${plan.services.length === 1 ? '' : 's'}, ${units} unit${units === 1 ? '' : 's'} active`,
    ` (${changed.length} changed${changed.length ? `: ${changed.join(', ')}` : ''}; ${plan.services.length - changed.length} kept)`,
    removed.length ? `; removed ${removed.join(', ')}` : '',
    ` in ${(tookMs / 1000).toFixed(1)} s.`,
    left.length ? ` Not in the catalog, left alone (--prune removes them): ${left.join(', ')}.` : '',
  ].join('');
}
