import type { BackupAttempt } from '../ports/backup-attempts.js';
import type { BackupEntry } from '../ports/backups.js';
import type { ChatMessage } from '../ports/chat.js';
import { ageOf, formatAge } from './backup-facts.js';
import { chunkLines } from './chunk-lines.js';
import { formatBytes } from './etcd-members.js';
import { context, escapeMrkdwn, fitMessage, section, SLACK_LIMITS } from './limits.js';

export interface BackupsView {
  environment: string;
  /** Where they go, in words. */
  destination: string;
  intervalMs: number;
  drillIntervalMs?: number;
  backups: BackupEntry[];
  attempts: BackupAttempt[];
  now: Date;
}

const line = (b: BackupEntry, now: Date) => `${formatAge(ageOf(b, now))} ago · ${formatBytes(b.sizeBytes)} · revision ${b.revision} · from ${b.member} · ${b.location}`;

function attemptLine(kind: 'snapshot' | 'drill', attempts: BackupAttempt[], now: Date): string | undefined {
  const last = attempts.find((a) => a.action === kind);
  if (!last) return undefined;
  const ago = formatAge(now.getTime() - new Date(last.at).getTime());
  return `Last ${kind}${last.scheduled ? ' (scheduled)' : ''}: ${last.ok ? 'ok' : 'FAILED'} ${ago} ago — ${last.detail}`;
}

/** `/dev etcd backups`: every backup, newest first (age, size, revision, where), and how the last attempts went. */
export function renderBackups(v: BackupsView): ChatMessage {
  const title = `etcd backups of ${v.environment}, newest first (${v.backups.length})`;
  const schedule = `Every ${formatAge(v.intervalMs)} to ${v.destination}${v.drillIntervalMs ? `; restore drill every ${formatAge(v.drillIntervalMs)}` : '; no scheduled drill (etcd.backup.drill.intervalMs)'}.`;
  const notes = [schedule, attemptLine('snapshot', v.attempts, v.now), attemptLine('drill', v.attempts, v.now)].filter((l): l is string => l !== undefined);
  const lines = v.backups.map((b) => line(b, v.now));
  const empty = 'No backups yet. `/dev etcd snapshot` takes one now.';
  const chunks = chunkLines(lines.map(escapeMrkdwn), SLACK_LIMITS.sectionText - 100);
  return fitMessage({
    text: [title, ...notes, ...(lines.length ? lines : [empty])].join('\n'),
    blocks: [section(`*${escapeMrkdwn(title)}*`), ...(lines.length ? chunks.map((c) => section(c)) : [section(empty)]), context(notes.map(escapeMrkdwn).join('\n'))],
  });
}
