import type { Block } from '../ports/chat.js';
import type { ProgressState } from '../ports/job-state.js';
import { escapeMrkdwn, section } from './limits.js';

/** Room an excerpt takes at most, in its section and in the message text: the steps and result keep the rest. */
export const EXCERPT_MAX = 2_000;

/** The last lines of `text` that fit `max` chars (a journal's end says why it stopped), marking what was dropped. */
export function lastLinesWithin(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.length > max ? `${lines[i]!.slice(0, max - 40)}…` : lines[i]!;
    if (size + line.length + 1 > max - 40) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  return [`… ${lines.length - kept.length} earlier lines not shown`, ...kept].join('\n');
}

/** The excerpt as a section: its title, then its lines as preformatted text. */
export function excerptBlock(excerpt: NonNullable<ProgressState['excerpt']>): Block {
  return section(`*${escapeMrkdwn(excerpt.title)}*\n\`\`\`\n${escapeMrkdwn(lastLinesWithin(excerpt.text, EXCERPT_MAX))}\n\`\`\``);
}

/** The excerpt in the message's plain text. */
export function excerptText(excerpt: NonNullable<ProgressState['excerpt']>): string {
  return `${excerpt.title}\n${lastLinesWithin(excerpt.text, EXCERPT_MAX)}`;
}
