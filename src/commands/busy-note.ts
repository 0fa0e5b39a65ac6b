import type { SlackBusyness } from '../ports/slack-busy.js';

/**
 * What a "queued" ack adds when Slack's rate budget already has calls waiting: the report will be
 * late, and the asker should know it is Slack, not devbot, that is slow. Empty when not busy.
 */
export function busyNote(busy: SlackBusyness | undefined): string {
  if (!busy) return '';
  const where = busy.scope === 'channel' ? 'in this channel' : '(message updates are queued workspace-wide)';
  return ` Slack is busy ${where}: the report will follow in about ${busy.waitSec} s.`;
}
