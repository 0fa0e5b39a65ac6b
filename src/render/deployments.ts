import type { ChatMessage } from '../ports/chat.js';
import type { DeploymentRecord } from '../ports/deployments.js';
import { chunkLines } from './chunk-lines.js';
import { escapeMrkdwn, fitMessage, section, SLACK_LIMITS } from './limits.js';

function line(r: DeploymentRecord, esc: (s: string) => string): string {
  const when = r.at.slice(0, 16).replace('T', ' ');
  const versions = r.previousVersion && r.previousVersion !== r.version ? `${r.previousVersion} → ${r.version}` : r.version;
  const mark = r.outcome === 'succeeded' ? '✓' : '✗';
  const detail = r.outcome === 'failed' && r.detail ? ` — ${esc(r.detail.split('. ')[0] ?? '')}` : '';
  return `${mark} ${when} UTC · ${r.service} ${versions} · ${r.kind} ${r.outcome} · <@${r.user}> · job ${r.jobId} · ${Object.keys(r.units).length} unit(s)${detail}`;
}

/** `/dev deployments [service]`: the history, newest first. */
export function renderDeployments(records: DeploymentRecord[], opts: { service?: string; environment: string }): ChatMessage {
  const title = `Deployments${opts.service ? ` of ${opts.service}` : ''} in ${opts.environment}, newest first`;
  if (records.length === 0) {
    const empty = `No deployments recorded${opts.service ? ` for ${opts.service}` : ''}. \`/dev deploy <service>\` records one.`;
    return { text: `${title}\n${empty}`, blocks: [section(`*${escapeMrkdwn(title)}*\n${empty}`)] };
  }
  const chunks = chunkLines(records.map((r) => line(r, escapeMrkdwn)), SLACK_LIMITS.sectionText - 100);
  return fitMessage({ text: [title, ...records.map((r) => line(r, (x) => x))].join('\n'), blocks: [section(`*${escapeMrkdwn(title)}*`), ...chunks.map((c) => section(c))] });
}
