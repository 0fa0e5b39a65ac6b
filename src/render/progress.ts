import type { ChatMessage } from '../ports/chat.js';
import type { ProgressState, StepStatus } from '../ports/job-state.js';
import { ACTION_IDS } from './confirm.js';
import { context, escapeMrkdwn, fitMessage, section, SLACK_LIMITS, truncate } from './limits.js';

const MARK: Record<StepStatus, string> = { done: ':white_check_mark:', running: ':hourglass_flowing_sand:', failed: ':x:', skipped: ':fast_forward:' };
const TEXT_MARK: Record<StepStatus, string> = { done: '[done]', running: '[....]', failed: '[FAIL]', skipped: '[skip]' };
const OUTCOME = { succeeded: ':large_green_circle: Succeeded', failed: ':red_circle: Failed', cancelled: ':white_circle: Cancelled' } as const;

/** Steps shown in the message; the rest are counted and left to the thread. */
const SHOWN_HEAD = 5;
const SHOWN_TAIL = 15;

function elapsed(from: string, to: Date): string {
  const s = Math.max(0, Math.round((to.getTime() - new Date(from).getTime()) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** Which steps the message lists: all of them, or the first few and the latest, with a gap line. */
function visibleSteps<T>(steps: T[]): Array<T | { hidden: number }> {
  if (steps.length <= SHOWN_HEAD + SHOWN_TAIL) return steps;
  return [...steps.slice(0, SHOWN_HEAD), { hidden: steps.length - SHOWN_HEAD - SHOWN_TAIL }, ...steps.slice(-SHOWN_TAIL)];
}

/** A job's one live message: title, requester, steps, elapsed time, final result. Pure. */
export function renderProgress(state: ProgressState, now: Date): ChatMessage {
  const end = state.result ? new Date(state.result.endedAt) : now;
  const status = state.result ? OUTCOME[state.result.outcome] : ':arrows_counterclockwise: Running';
  const resumed = state.resumed ? ` · resumed ${state.resumed === 1 ? 'once' : `${state.resumed} times`} after a worker was lost` : '';
  const lines = visibleSteps(state.steps).map((s) =>
    'hidden' in s ? `… ${s.hidden} more steps (all in the thread)` : `${MARK[s.status]} ${escapeMrkdwn(s.name)}${s.detail ? ` — ${escapeMrkdwn(truncate(s.detail, 200))}` : ''}`,
  );
  const textLines = visibleSteps(state.steps).map((s) => ('hidden' in s ? `  … ${s.hidden} more steps` : `  ${TEXT_MARK[s.status]} ${s.name}${s.detail ? ` — ${truncate(s.detail, 200)}` : ''}`));
  const blocks = [
    section(`*${escapeMrkdwn(state.title)}* — ${status}`),
    context(`job \`${state.jobId}\` · requested by <@${state.requestedBy}> · ${elapsed(state.startedAt, end)}${resumed}`),
  ];
  if (lines.length) blocks.push(section(lines.join('\n')));
  if (state.result) blocks.push(section(escapeMrkdwn(truncate(state.result.summary, SLACK_LIMITS.sectionText))));
  if (state.result?.outcome === 'failed') {
    blocks.push({ type: 'actions', elements: [{ type: 'button', action_id: ACTION_IDS.retry, value: state.jobId, text: { type: 'plain_text', text: 'Retry' } }] });
  }
  const text = [
    `${state.title} — ${state.result ? state.result.outcome : 'running'} (job ${state.jobId}, ${elapsed(state.startedAt, end)}${resumed.replace(' · ', ', ')})`,
    ...textLines,
    ...(state.result ? [state.result.summary] : []),
    ...(state.result?.outcome === 'failed' ? [`[Retry] (retry job ${state.jobId})`] : []),
  ].join('\n');
  return fitMessage({ text, blocks });
}
