import type { AlertState } from '../ports/alert-store.js';
import type { Block, ChatMessage } from '../ports/chat.js';
import { ACTION_IDS } from './confirm.js';
import { context, escapeMrkdwn, fitMessage, section } from './limits.js';

const ICON = { critical: ':red_circle:', warning: ':warning:', info: ':information_source:' } as const;

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}
const hhmmss = (iso: string) => `${iso.slice(11, 19)} UTC`;

/** An alert's one message, as it fires, flaps, is silenced and resolves. Pure. */
export function renderAlert(a: AlertState, now: Date): ChatMessage {
  const resolved = a.status === 'resolved' && a.kind === 'condition';
  const lasted = duration(new Date(a.resolvedAt ?? now.toISOString()).getTime() - new Date(a.firedAt ?? a.since).getTime());
  const head = resolved
    ? `:white_check_mark: *RESOLVED after ${lasted}* — ~${escapeMrkdwn(a.summary)}~`
    : `${ICON[a.severity]} *${a.severity.toUpperCase()}* — ${escapeMrkdwn(a.summary)}`;
  const notes = [
    `since ${hhmmss(a.since)}`,
    ...(a.flaps ? [`flapped ${a.flaps} time${a.flaps === 1 ? '' : 's'}`] : []),
    ...(a.silencedUntil && !resolved ? [`silenced by <@${a.silencedBy}> until ${hhmmss(a.silencedUntil)}`] : []),
    `key \`${a.key}\``,
  ];
  const buttons: Block['elements'] = [{ type: 'button', action_id: ACTION_IDS.status, value: a.environment, text: { type: 'plain_text', text: 'Status' } }];
  if (a.runbook) (buttons as unknown[]).push({ type: 'button', action_id: 'devbot_runbook', url: a.runbook, text: { type: 'plain_text', text: 'Runbook' } });
  const blocks: Block[] = [
    section(head),
    ...(a.details.length ? [section(a.details.map((d) => `• ${escapeMrkdwn(d)}`).join('\n'))] : []),
    ...(resolved ? [] : [section(`*What to do:* ${escapeMrkdwn(a.advice)}`)]),
    context(notes.join(' · ')),
    ...(resolved ? [] : [{ type: 'actions', elements: buttons } as Block]),
  ];
  const text = [
    resolved ? `RESOLVED after ${lasted}: ${a.summary}` : `${a.severity.toUpperCase()}: ${a.summary}`,
    ...a.details.map((d) => `  - ${d}`),
    ...(resolved ? [] : [`What to do: ${a.advice}`, ...(a.runbook ? [`Runbook: ${a.runbook}`] : [])]),
    `(${notes.join(', ').replace(/`/g, '')})`,
  ].join('\n');
  return fitMessage({ text, blocks });
}

/** `/dev alerts`: what is firing now. */
export function renderAlertList(alerts: AlertState[], now: Date): ChatMessage {
  if (alerts.length === 0) return { text: 'No alerts are firing.' };
  const lines = alerts.map((a) => `${ICON[a.severity]} ${a.severity} · ${a.summary} · for ${duration(now.getTime() - new Date(a.since).getTime())}${a.silencedUntil ? ' · silenced' : ''} · \`${a.key}\``);
  return fitMessage({ text: ['Firing now:', ...lines].join('\n'), blocks: [section(['*Firing now*', ...lines].join('\n'))] });
}
