import type { Block, ChatMessage } from '../ports/chat.js';
import type { PendingConfirmation } from '../ports/confirmations.js';
import { context, escapeMrkdwn, fitMessage, section, SLACK_LIMITS } from './limits.js';

/** Button ids the Slack adapter and the console route back to handleAction. */
export const ACTION_IDS = { confirm: 'devbot_confirm', decline: 'devbot_decline', retry: 'devbot_retry', status: 'devbot_status', command: 'devbot_command', silence: 'devbot_silence', cancelRemediation: 'devbot_remediation_cancel', rollback: 'devbot_rollback' } as const;

/** A confirmation timeout as people say it: "10 min", "90 s", "1.5 s". */
export function formatWait(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${Number((ms / 1000).toFixed(1))} s`;
}

function approvalNote(p: PendingConfirmation): string {
  if (p.approvals <= 1) return 'Any user allowed to run it here may confirm.';
  const others = p.approvers.filter((u) => u !== p.requester);
  const need = p.approvals - 1 - others.length;
  const got = others.length ? ` Approved so far by ${others.map((u) => `<@${u}>`).join(', ')}.` : '';
  return `Needs ${need} more approval${need === 1 ? '' : 's'} from someone other than <@${p.requester}> (approvals: ${p.approvals} in ${p.environment}).${got}`;
}

/** A dangerous command's preview (from its job kind) with Confirm / Cancel buttons. */
export function renderConfirmRequest(p: PendingConfirmation, preview: ChatMessage): ChatMessage {
  const expires = new Date(p.expiresAt);
  const head = section(`:warning: *Confirm* \`/dev ${escapeMrkdwn(p.text)}\` in *${escapeMrkdwn(p.environment)}*?`);
  const actions: Block = {
    type: 'actions',
    block_id: `confirm:${p.id}`,
    elements: [
      { type: 'button', action_id: ACTION_IDS.confirm, value: p.id, style: 'danger', text: { type: 'plain_text', text: 'Confirm' } },
      { type: 'button', action_id: ACTION_IDS.decline, value: p.id, text: { type: 'plain_text', text: 'Cancel' } },
    ],
  };
  const previewBlocks = (preview.blocks ?? [section(escapeMrkdwn(preview.text))]).slice(0, SLACK_LIMITS.blocks - 4);
  const blocks = [head, ...previewBlocks, context(`Requested by <@${p.requester}> · expires at ${expires.toISOString().slice(11, 16)} UTC · ${approvalNote(p)}`), actions];
  const text = [`Confirm /dev ${p.text} in ${p.environment}?`, preview.text, approvalNote(p).replace(/<@([^>]+)>/g, '$1'), `[Confirm] [Cancel] (confirmation ${p.id})`].join('\n');
  return fitMessage({ text, blocks });
}

/** The preview after it was answered or expired: no buttons, and what happened. */
export function renderConfirmClosed(p: PendingConfirmation, outcome: string): ChatMessage {
  const text = `/dev ${p.text} (${p.environment}) — ${outcome}`;
  return fitMessage({ text: text.replace(/<@([^>]+)>/g, '$1'), blocks: [section(`\`/dev ${escapeMrkdwn(p.text)}\` in *${escapeMrkdwn(p.environment)}*`), context(outcome)] });
}
