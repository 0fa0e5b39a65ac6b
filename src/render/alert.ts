import type { AlertState, ChannelFailure } from '../ports/alert-store.js';
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
  const buttons: Block['elements'] = [{ type: 'button', action_id: ACTION_IDS.status, value: `status --env ${a.environment}`, text: { type: 'plain_text', text: 'Status' } }];
  if (a.command) (buttons as unknown[]).push({ type: 'button', action_id: ACTION_IDS.command, value: a.command.text, text: { type: 'plain_text', text: a.command.label } });
  // Silences this alert's key for an hour, as `/dev silence` would (ACL, audit), from the message itself.
  (buttons as unknown[]).push({ type: 'button', action_id: ACTION_IDS.silence, value: `silence ${a.key} 1h`, text: { type: 'plain_text', text: 'Silence 1h' } });
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
    ...(resolved ? [] : [`What to do: ${a.advice}`, ...(a.command ? [`${a.command.label}: /dev ${a.command.text}`] : []), ...(a.runbook ? [`Runbook: ${a.runbook}`] : [])]),
    `(${notes.join(', ').replace(/`/g, '')})`,
  ].join('\n');
  return fitMessage({ text, blocks });
}

/** `#ops` for a `channels:` name; `<#C0123ABCD>` (a link in Slack) for a channel id. */
export const channelMention = (channel: string): string => (/^[CG][A-Z0-9]{8,}$/.test(channel) ? `<#${channel}>` : `#${channel}`);

/** `/dev alerts`: what is firing now, and the channels alerts cannot reach (with what to do). */
export function renderAlertList(alerts: AlertState[], now: Date, channelFailures: ChannelFailure[] = []): ChatMessage {
  const refused = channelFailures.map((f) => `:no_entry: ${channelMention(f.channel)} refused alerts (${f.error}) since ${hhmmss(f.since)}: ${f.advice}`);
  const refusedText = refused.length ? ['', 'Channels alerts cannot reach:', ...refused] : [];
  if (alerts.length === 0 && refused.length === 0) return { text: 'No alerts are firing.' };
  const lines = alerts.map((a) => `${ICON[a.severity]} ${a.severity} · ${a.summary} · for ${duration(now.getTime() - new Date(a.since).getTime())}${a.silencedUntil ? ' · silenced' : ''} · \`${a.key}\``);
  const head = alerts.length ? ['Firing now:', ...lines] : ['No alerts are firing.'];
  const blocks = [
    section(alerts.length ? ['*Firing now*', ...lines].join('\n') : 'No alerts are firing.'),
    ...(refused.length ? [section(['*Channels alerts cannot reach*', ...refused].join('\n'))] : []),
  ];
  return fitMessage({ text: [...head, ...refusedText].join('\n'), blocks });
}
