import { SLACK_LIMITS } from './limits.js';

/** Splits `line` into pieces of at most `max` chars, never between the two halves of an emoji. */
function pieces(line: string, max: number): string[] {
  if (line.length <= max) return [line];
  const out: string[] = [];
  for (let start = 0; start < line.length; ) {
    let end = Math.min(line.length, start + max);
    const last = line.charCodeAt(end - 1);
    if (end < line.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push(line.slice(start, end));
    start = end;
  }
  return out;
}

/**
 * Packs lines into as few messages as Slack's text limit allows. A line longer than a message is
 * split across messages rather than cut: this is where long output goes to be read in full.
 */
export function chunkLines(lines: string[], max: number = SLACK_LIMITS.messageText - 100): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines.flatMap((l) => pieces(l, max))) {
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}
