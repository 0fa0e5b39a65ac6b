import type { ChatMessage } from '../ports/chat.js';
import { driftCounts, driftLines, hasDrift, type Drift } from '../units/catalog-drift.js';
import { chunkLines } from './chunk-lines.js';
import { escapeMrkdwn, fitMessage, section, SLACK_LIMITS } from './limits.js';

/** `/dev drift`: where fleet differs from the catalog, and what brings it back. */
export function renderDrift(environment: string, drift: Drift): ChatMessage {
  if (!hasDrift(drift)) {
    const text = `fleet in ${environment} runs what the catalog says: no drift.`;
    return { text, blocks: [section(escapeMrkdwn(text))] };
  }
  const title = `fleet in ${environment} differs from the catalog: ${driftCounts(drift)}`;
  const lines = driftLines(drift);
  const fix = `\`/dev converge --env ${environment}\` brings fleet back to the catalog${drift.unknown.length ? '; with `--prune` it also removes the units the catalog does not know' : ''}.`;
  return fitMessage({
    text: [title, ...lines.map((l) => `  ${l}`), fix].join('\n'),
    blocks: [section(`*${escapeMrkdwn(title)}*`), ...chunkLines(lines.map((l) => `• ${escapeMrkdwn(l)}`), SLACK_LIMITS.sectionText - 100).map((c) => section(c)), section(fix)],
  });
}
