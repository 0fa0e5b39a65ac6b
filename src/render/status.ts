import type { ChatMessage } from '../ports/chat.js';
import type { StatusLine, StatusSection } from '../ports/status.js';
import { SLACK_LIMITS, context, escapeMrkdwn, fitMessage, header, section, truncate } from './limits.js';

const EMOJI: Record<StatusLine['level'], string> = {
  ok: ':large_green_circle:',
  info: ':information_source:',
  warn: ':warning:',
  critical: ':red_circle:',
};
const WORD: Record<StatusLine['level'], string> = { ok: 'OK', info: 'INFO', warn: 'WARN', critical: 'CRIT' };

export interface StatusReport {
  environment: string;
  sections: StatusSection[];
  generatedAt: Date;
  tookMs: number;
  requestedBy?: string;
  /** The job that made it: the ack named it, so the report does too. */
  jobId?: string;
}

/** `/dev status` as Block Kit, with a complete plain-text fallback (the console prints that). */
export function renderStatus(report: StatusReport): ChatMessage {
  const blocks = [header(`Status of ${report.environment}`)];
  for (const s of report.sections) {
    const lines = s.lines.map((l) => `${EMOJI[l.level]} *${escapeMrkdwn(l.label)}*: ${escapeMrkdwn(l.value)}`);
    blocks.push(section([`${EMOJI[s.level]} *${escapeMrkdwn(s.title)}* — ${escapeMrkdwn(s.summary)}`, ...lines].join('\n')));
  }
  const by = report.requestedBy ? ` for <@${report.requestedBy}>` : '';
  const job = report.jobId ? ` (job ${report.jobId})` : '';
  blocks.push(context(`Checked ${report.generatedAt.toISOString()} in ${report.tookMs} ms${by}${job}`));

  const body = [
    `Status of ${report.environment}`,
    ...report.sections.flatMap((s) => [
      `[${WORD[s.level]}] ${s.title}: ${s.summary}`,
      ...s.lines.map((l) => `    [${WORD[l.level]}] ${l.label}: ${l.value}`),
    ]),
  ].join('\n');
  const footer = report.jobId ? `(job ${report.jobId}, checked in ${report.tookMs} ms)` : `(checked in ${report.tookMs} ms)`;
  // At scale (a thousand units) the text is cut; the footer naming the job survives the cut.
  const text = `${truncate(body, SLACK_LIMITS.messageText - footer.length - 1)}\n${footer}`;
  return fitMessage({ text, blocks });
}
