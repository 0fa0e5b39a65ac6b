import type { ChatMessage } from '../ports/chat.js';
import type { ProgressState, StepState, StepStatus } from '../ports/job-state.js';
import { ACTION_IDS } from './confirm.js';
import { excerptBlock, excerptText } from './excerpt.js';
import { context, escapeMrkdwn, fitMessage, section, SLACK_LIMITS, truncate } from './limits.js';

const MARK: Record<StepStatus, string> = { done: ':white_check_mark:', running: ':hourglass_flowing_sand:', failed: ':x:', skipped: ':fast_forward:' };
const TEXT_MARK: Record<StepStatus, string> = { done: '[done]', running: '[....]', failed: '[FAIL]', skipped: '[skip]' };
const OUTCOME = { succeeded: ':large_green_circle: Succeeded', failed: ':red_circle: Failed', cancelled: ':white_circle: Cancelled' } as const;

/** Steps shown in the message at most; the rest are counted and left to the thread. */
const SHOWN_HEAD = 5;
const SHOWN_TAIL = 15;
/** Per-step cuts, so twenty long steps still fit one section; the thread has them in full. */
const NAME_MAX = 150;
const DETAIL_MAX = 200;
const TITLE_MAX = 200;
/** The longest summary the message shows; the progress reporter posts a longer one to the thread. */
export const SUMMARY_SHOWN = 1_500;
const CUT = '… (full text in the thread)';
/** The board (a converge's line per service) shown at most; it fits one section with room to spare. */
const BOARD_MAX = 2_000;

function elapsed(from: string, to: Date): string {
  const s = Math.max(0, Math.round((to.getTime() - new Date(from).getTime()) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

/**
 * The step list as text of at most `budget` chars: the first few steps and the latest ones with a
 * gap line between. When even those do not fit, the earliest are dropped first: the latest (the
 * running or failed one) is what a reader looks for.
 */
function fitSteps(steps: StepState[], line: (s: StepState) => string, gap: (hidden: number) => string, budget: number): string {
  let head = Math.min(SHOWN_HEAD, steps.length);
  let tail = Math.min(SHOWN_TAIL, steps.length - head);
  for (;;) {
    const hidden = steps.length - head - tail;
    const text = [...steps.slice(0, head).map(line), ...(hidden ? [gap(hidden)] : []), ...steps.slice(steps.length - tail).map(line)].join('\n');
    if (text.length <= budget || head + tail <= 1) return truncate(text, Math.max(0, budget), '…');
    if (head > 0) head--;
    else tail--;
  }
}

const name = (s: StepState) => truncate(s.name, NAME_MAX, '…');
const detail = (s: StepState) => (s.detail ? truncate(s.detail, DETAIL_MAX, '…') : undefined);
const blockLine = (s: StepState) => `${MARK[s.status]} ${escapeMrkdwn(name(s))}${s.detail ? ` — ${escapeMrkdwn(detail(s)!)}` : ''}`;
const textLine = (s: StepState) => `  ${TEXT_MARK[s.status]} ${name(s)}${s.detail ? ` — ${detail(s)!}` : ''}`;

/** A job's one live message: title, requester, steps, elapsed time, final result. Pure; always within Slack's limits. */
export function renderProgress(state: ProgressState, now: Date): ChatMessage {
  const end = state.result ? new Date(state.result.endedAt) : now;
  const title = truncate(state.title, TITLE_MAX, '…');
  const status = state.result ? OUTCOME[state.result.outcome] : ':arrows_counterclockwise: Running';
  const resumed = state.resumed ? ` · resumed ${state.resumed === 1 ? 'once' : `${state.resumed} times`} after a worker was lost` : '';
  const summary = state.result ? truncate(state.result.summary, SUMMARY_SHOWN, CUT) : undefined;
  const failed = state.result?.outcome === 'failed';

  const blocks = [
    section(`*${escapeMrkdwn(title)}* — ${status}`),
    context(`job \`${state.jobId}\` · requested by <@${state.requestedBy}> · ${elapsed(state.startedAt, end)}${resumed}`),
  ];
  const board = state.board?.length ? truncate(state.board.join('\n'), BOARD_MAX, '…') : undefined;
  if (board) blocks.push(section(escapeMrkdwn(board)));
  if (state.steps.length) {
    blocks.push(section(fitSteps(state.steps, blockLine, (n) => `… ${n} more steps (all in the thread)`, SLACK_LIMITS.sectionText)));
  }
  if (summary !== undefined) blocks.push(section(escapeMrkdwn(summary)));
  if (state.excerpt) blocks.push(excerptBlock(state.excerpt));
  const offers = failed ? (state.offers ?? []) : [];
  if (failed) {
    const retry = { type: 'button', action_id: ACTION_IDS.retry, value: state.jobId, text: { type: 'plain_text', text: 'Retry' } };
    // Each offer has an action id of its own: Slack refuses two buttons with one id in a message.
    const more = offers.map((o) => ({ type: 'button', action_id: ACTION_IDS[o.action], value: o.command, style: 'danger', text: { type: 'plain_text', text: o.label } }));
    blocks.push({ type: 'actions', elements: [retry, ...more] });
  }

  const headLine = `${title} — ${state.result ? state.result.outcome : 'running'} (job ${state.jobId}, ${elapsed(state.startedAt, end)}${resumed.replace(' · ', ', ')})`;
  const buttons = failed ? [`[Retry] (retry job ${state.jobId})`, ...offers.map((o) => `[${o.label}] (/dev ${o.command})`)].join(' ') : undefined;
  const tail = [...(summary !== undefined ? [summary] : []), ...(state.excerpt ? [excerptText(state.excerpt)] : []), ...(buttons ? [buttons] : [])].join('\n');
  // The step list gets what the head and tail lines leave of the text limit, so neither is cut.
  const budget = SLACK_LIMITS.messageText - headLine.length - 1 - (tail ? tail.length + 1 : 0) - (board ? board.length + 1 : 0);
  const steps = state.steps.length ? fitSteps(state.steps, textLine, (n) => `  … ${n} more steps`, budget) : '';
  const text = [headLine, ...(board ? [board] : []), ...(steps ? [steps] : []), ...(tail ? [tail] : [])].join('\n');
  return fitMessage({ text, blocks });
}
