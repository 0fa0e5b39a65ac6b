import { SLACK_LIMITS, truncate } from './limits.js';

/** Packs lines into as few messages as Slack's text limit allows (a too-long line is cut). */
export function chunkLines(lines: string[], max: number = SLACK_LIMITS.messageText - 100): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}
