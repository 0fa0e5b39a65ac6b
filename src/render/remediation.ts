import type { ChatMessage } from '../ports/chat.js';
import type { RemediationAttempt } from '../ports/remediation-store.js';
import { ACTION_IDS } from './confirm.js';
import { context, escapeMrkdwn, fitMessage, section } from './limits.js';

/** Who the audit trail and the thread name for what devbot does by itself. */
export const AUTO_USER = 'devbot (auto)';
/** After this many failed attempts in a row on one alert, devbot stops trying and says so. */
export const MAX_FAILED_ATTEMPTS = 2;

const hhmmss = (iso: string) => `${iso.slice(11, 19)} UTC`;
const seconds = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);
const plain = (text: string): ChatMessage => fitMessage({ text: text.replace(/[*`]/g, '').replace(/<@([^>]+)>/g, '$1').replace(/<!here>/g, '@here'), blocks: [section(text)] });

/** Posted in the alert's thread before anything runs, with the Cancel button that stops it during the grace period. */
export function renderAnnouncement(a: RemediationAttempt, graceMs: number, heldMs: number): ChatMessage {
  const head = `:robot_face: *Auto-remediation:* \`${a.rule}\` has fired for ${seconds(heldMs)}. devbot will run \`/dev ${escapeMrkdwn(a.text)}\` (${a.label}) at ${hhmmss(a.runAt)}, in ${seconds(graceMs)}, unless someone presses Cancel.`;
  const text = `Auto-remediation: ${a.rule} has fired for ${seconds(heldMs)}. devbot will run /dev ${a.text} (${a.label}) at ${hhmmss(a.runAt)}, in ${seconds(graceMs)}, unless someone presses Cancel. [Cancel] (remediation ${a.id})`;
  return fitMessage({
    text,
    blocks: [
      section(head),
      context(`as ${AUTO_USER} · rule \`${a.rule}\` · \`/dev remediation pause --env ${a.environment}\` stops all automatic actions here`),
      { type: 'actions', elements: [{ type: 'button', action_id: ACTION_IDS.cancelRemediation, value: a.id, style: 'danger', text: { type: 'plain_text', text: 'Cancel' } }] },
    ],
  });
}

/** The announcement once settled: no Cancel button any more, and what became of it. */
export function renderAnnouncementClosed(a: RemediationAttempt, outcome: string): ChatMessage {
  return plain(`:robot_face: Auto-remediation \`/dev ${escapeMrkdwn(a.text)}\` (${a.label}): ${outcome}`);
}

export const renderRemediationNote = (text: string): ChatMessage => plain(text);

export function renderRemediationEnded(a: RemediationAttempt, outcome: 'succeeded' | 'failed' | 'cancelled', summary: string, failures: number): ChatMessage {
  if (outcome === 'succeeded') return plain(`:white_check_mark: Auto-remediation \`/dev ${escapeMrkdwn(a.text)}\` (job \`${a.jobId}\`) succeeded: ${escapeMrkdwn(summary)}`);
  const head = `:x: Auto-remediation \`/dev ${escapeMrkdwn(a.text)}\` (job \`${a.jobId}\`) ${outcome}: ${escapeMrkdwn(summary)} (failed attempt ${failures} of ${MAX_FAILED_ATTEMPTS})`;
  if (failures < MAX_FAILED_ATTEMPTS) return plain(`${head}. devbot will try again if the alert still fires.`);
  return plain(
    `${head}.\n:rotating_light: <!here> *devbot gave up on \`${a.alertKey}\`* after ${MAX_FAILED_ATTEMPTS} failed attempts: it will not act on it by itself again. A person must look now; the buttons on the alert still work.`,
  );
}

/** A person's click on an alert button, as the alert's thread records it. */
export function renderClickNote(user: string, label: string, text: string, reply: string): ChatMessage {
  return plain(`:point_right: <@${user}> pressed *${escapeMrkdwn(label)}* (\`/dev ${escapeMrkdwn(text)}\`): ${reply}`);
}

export function renderFollowedEnd(user: string, text: string, jobId: string, outcome: string, summary: string): ChatMessage {
  const icon = outcome === 'succeeded' ? ':white_check_mark:' : outcome === 'cancelled' ? ':no_entry_sign:' : ':x:';
  return plain(`${icon} \`/dev ${escapeMrkdwn(text)}\` (job \`${jobId}\`, started by <@${user}>) ${outcome}: ${escapeMrkdwn(summary)}`);
}
