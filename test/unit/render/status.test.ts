import { describe, expect, it } from 'vitest';
import type { StatusSection } from '../../../src/ports/status.js';
import { SLACK_LIMITS } from '../../../src/render/limits.js';
import { renderStatus } from '../../../src/render/status.js';

const etcdLost: StatusSection = {
  title: 'etcd',
  level: 'critical',
  summary: '1/3 members up, leader none, quorum LOST',
  lines: [
    { label: 'quorum', value: 'LOST — 2 of 3 members unreachable', level: 'critical' },
    { label: 'e1', value: 'follower, term 3', level: 'ok' },
    { label: 'e2', value: 'DOWN (http://127.0.0.1:2381)', level: 'critical' },
  ],
};

function sectionTexts(blocks: Array<Record<string, unknown>>): string[] {
  return blocks.flatMap((b) => (b['type'] === 'section' ? [(b['text'] as { text: string }).text] : []));
}

describe('renderStatus', () => {
  it('shows quorum loss and the down member in both blocks and text fallback', () => {
    const m = renderStatus({ environment: 'prod', sections: [etcdLost], generatedAt: new Date(0), tookMs: 812 });
    expect(m.text).toContain('[CRIT] etcd: 1/3 members up, leader none, quorum LOST');
    expect(m.text).toContain('e2: DOWN');
    expect(sectionTexts(m.blocks!).join('\n')).toMatch(/:red_circle: \*etcd\*/);
  });

  it('stays inside Slack limits however big the report is', () => {
    const huge: StatusSection[] = Array.from({ length: 80 }, (_, i) => ({
      title: `part-${i}`,
      level: 'warn',
      summary: 'x'.repeat(500),
      lines: Array.from({ length: 40 }, (_, j) => ({ label: `l${j}`, value: 'v'.repeat(200), level: 'ok' as const })),
    }));
    const m = renderStatus({ environment: 'prod', sections: huge, generatedAt: new Date(0), tookMs: 1, jobId: 'status-1a2b' });
    expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    // Cut, but the line naming the job is still there: that is how a reader finds its logs.
    expect(m.text).toMatch(/… \(truncated\)\n\(job status-1a2b, checked in 1 ms\)$/);
    expect(m.blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const t of sectionTexts(m.blocks!)) expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it('escapes Slack control characters in values', () => {
    const m = renderStatus({
      environment: 'prod',
      sections: [{ title: 'etcd', level: 'warn', summary: 's', lines: [{ label: 'e1', value: '<!channel> & co', level: 'warn' }] }],
      generatedAt: new Date(0),
      tookMs: 1,
    });
    expect(sectionTexts(m.blocks!).join()).toContain('&lt;!channel&gt; &amp; co');
  });
});
