import { echoUserText } from '../commands/echo.js';
import type { AuditEntry } from '../ports/audit.js';
import type { ChatMessage } from '../ports/chat.js';
import type { LockHolder } from '../ports/locks.js';
import type { JobSummary } from '../ports/queue.js';
import { chunkLines } from './chunk-lines.js';
import { fitMessage, section, SLACK_LIMITS } from './limits.js';

/**
 * A command as its user typed it, on one line: Slack sends pasted tabs and line breaks, and a
 * line break in a listed command would read as another entry of the list.
 */
const typed = (text: string): string => echoUserText(text, 300);

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** A list as one message: a title line, then the lines in as many sections as the limits allow. */
function listMessage(title: string, lines: string[], empty: string): ChatMessage {
  if (lines.length === 0) return { text: `${title}\n${empty}`, blocks: [section(`*${title}*\n${empty}`)] };
  const chunks = chunkLines(lines, SLACK_LIMITS.sectionText - 100);
  return fitMessage({ text: [title, ...lines].join('\n'), blocks: [section(`*${title}*`), ...chunks.map((c) => section(c))] });
}

export function renderJobs(jobs: JobSummary[], now: Date, all: boolean): ChatMessage {
  const lines = jobs.map((j) => {
    const end = j.finishedAt ?? now.getTime();
    const took = j.startedAt ? duration(end - j.startedAt) : `queued ${duration(now.getTime() - j.queuedAt)} ago`;
    const state = j.state === 'failed' && j.failedReason?.startsWith('cancelled') ? 'cancelled' : j.state;
    return `\`${j.id}\` · ${j.kind}${j.target ? ` ${j.target}` : ''} · <@${j.user}> · ${state} · ${took}`;
  });
  return listMessage(all ? 'Recent jobs' : 'Queued and running jobs', lines, all ? 'No jobs in the last day.' : 'Nothing queued or running. `/dev jobs --all` shows finished ones.');
}

export function renderLocks(locks: LockHolder[], now: Date): ChatMessage {
  const lines = locks.map((l) => `\`${l.target}\` · held by <@${l.user}> for ${duration(now.getTime() - new Date(l.since).getTime())} · job \`${l.jobId}\` (\`/dev ${typed(l.text)}\`)`);
  return listMessage('Locks held now', lines, 'No locks are held.');
}

/**
 * Slack authenticates its users; the console's `--as` is whatever was typed. So what was done
 * through the console says so on its line ("via console"); Slack, where devbot's users are, is
 * the unmarked default.
 */
const via = (e: AuditEntry): string => (e.transport === 'console' ? ' via console' : '');

export function renderAudit(entries: AuditEntry[], filter: { user?: string; target?: string }): ChatMessage {
  const by = [filter.user && `user ${filter.user}`, filter.target && `target ${filter.target}`].filter(Boolean).join(', ');
  const lines = entries.map((e) => {
    const extra = [e.decision, e.rule && `rule ${e.rule}`, e.jobId && `job ${e.jobId}`, e.outcome].filter(Boolean).join(' · ');
    return `${e.at.slice(0, 19).replace('T', ' ')} · ${e.event} · <@${e.user}> in #${e.channel}${via(e)} · \`/dev ${typed(e.text)}\`${extra ? ` · ${extra}` : ''}`;
  });
  return listMessage(`Audit trail${by ? ` (${by})` : ''}, latest first`, lines, 'No entries.');
}
