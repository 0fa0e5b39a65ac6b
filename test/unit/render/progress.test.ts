import { describe, expect, it } from 'vitest';
import type { Block, ChatMessage } from '../../../src/ports/chat.js';
import type { ProgressState, StepState } from '../../../src/ports/job-state.js';
import { ACTION_IDS } from '../../../src/render/confirm.js';
import { SLACK_LIMITS } from '../../../src/render/limits.js';
import { renderProgress } from '../../../src/render/progress.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();

function job(over: Partial<ProgressState> = {}): ProgressState {
  return { jobId: 'deploy-7f3a', title: 'Deploy gerrit to prod', requestedBy: 'U_ALICE', startedAt: iso(0), steps: [], resumed: 0, ...over };
}
const step = (name: string, status: StepState['status'], detail?: string): StepState => ({ name, status, startedAt: iso(1), ...(detail ? { detail } : {}) });

/** Every piece of mrkdwn a reader sees in the blocks (sections and context lines), in order. */
function blockTexts(m: ChatMessage): string[] {
  return (m.blocks ?? []).flatMap((b) => {
    if (b.type === 'section') return [(b['text'] as { text: string }).text];
    if (b.type === 'context') return (b['elements'] as Array<{ text: string }>).map((e) => e.text);
    return [];
  });
}
const shown = (m: ChatMessage) => blockTexts(m).join('\n');
const buttons = (m: ChatMessage) =>
  (m.blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b['elements'] as Array<{ action_id: string; value: string; text: { text: string } }>);

function expectWithinSlackLimits(m: ChatMessage): void {
  expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  expect(m.blocks?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const text of blockTexts(m)) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
}

describe('renderProgress', () => {
  it('marks each step done, running or failed (with why), in the blocks and the text fallback', () => {
    const m = renderProgress(job({ steps: [step('check health', 'done'), step('drain e2', 'failed', 'member unreachable'), step('restart e2', 'running')] }), at(5));
    expect(shown(m)).toContain(':white_check_mark: check health');
    expect(shown(m)).toContain(':x: drain e2 — member unreachable');
    expect(shown(m)).toContain(':hourglass_flowing_sand: restart e2');
    expect(m.text).toContain('[done] check health');
    expect(m.text).toContain('[FAIL] drain e2 — member unreachable');
    expect(m.text).toContain('[....] restart e2');
    // Steps appear in the order they ran.
    expect(m.text.indexOf('check health')).toBeLessThan(m.text.indexOf('drain e2'));
    expect(m.text.indexOf('drain e2')).toBeLessThan(m.text.indexOf('restart e2'));
  });

  it('names the job, who asked for it and how long it has been running', () => {
    const m = renderProgress(job({ steps: [step('check health', 'running')] }), at(65));
    expect(shown(m)).toContain('*Deploy gerrit to prod*');
    expect(shown(m)).toContain('Running');
    expect(shown(m)).toContain('<@U_ALICE>');
    expect(shown(m)).toContain('deploy-7f3a');
    expect(shown(m)).toContain('1m 5s');
    expect(m.text).toMatch(/^Deploy gerrit to prod — running \(job deploy-7f3a, 1m 5s\)/);
  });

  it('stops the clock when the job ends', () => {
    const done = job({ steps: [step('check health', 'done')], result: { outcome: 'succeeded', summary: 'gerrit 3.9.2 is live.', endedAt: iso(12) } });
    const m = renderProgress(done, at(3600));
    expect(shown(m)).toContain('12s');
    expect(shown(m)).not.toContain('1h');
    expect(shown(m)).toContain('Succeeded');
    expect(shown(m)).toContain('gerrit 3.9.2 is live.');
    expect(m.text).toContain('succeeded');
    expect(m.text).toContain('gerrit 3.9.2 is live.');
  });

  it('says when the job was resumed after a worker was lost, and how often', () => {
    expect(shown(renderProgress(job(), at(1)))).not.toContain('resumed');
    const once = renderProgress(job({ resumed: 1 }), at(1));
    expect(shown(once)).toContain('resumed once after a worker was lost');
    expect(once.text).toContain('resumed once after a worker was lost');
    expect(shown(renderProgress(job({ resumed: 3 }), at(1)))).toContain('resumed 3 times after a worker was lost');
  });

  it('offers Retry on a failed job, and only then', () => {
    const failed = renderProgress(job({ steps: [step('push image', 'failed', 'registry 503')], result: { outcome: 'failed', summary: 'registry unavailable', endedAt: iso(4) } }), at(4));
    expect(buttons(failed)).toEqual([expect.objectContaining({ action_id: ACTION_IDS.retry, value: 'deploy-7f3a', text: expect.objectContaining({ text: 'Retry' }) })]);
    expect(shown(failed)).toContain('Failed');
    expect(shown(failed)).toContain('registry unavailable');
    expect(failed.text).toContain('[Retry]');

    for (const outcome of ['succeeded', 'cancelled'] as const) {
      const m = renderProgress(job({ result: { outcome, summary: 'ok', endedAt: iso(4) } }), at(4));
      expect(buttons(m)).toEqual([]);
      expect(m.text).not.toContain('[Retry]');
    }
  });

  it('escapes step names so a step cannot ping the channel or break the markup', () => {
    const m = renderProgress(job({ steps: [step('notify <!channel> & <@U_BOB>', 'done')] }), at(1));
    expect(shown(m)).not.toContain('<!channel>');
    expect(shown(m)).toContain('notify &lt;!channel&gt; &amp; &lt;@U_BOB&gt;');
  });

  it('with 500 steps lists the first and the latest, counts the rest, and stays inside the limits', () => {
    const steps = Array.from({ length: 500 }, (_, i) => step(`restart unit ${String(i + 1).padStart(3, '0')}`, i === 499 ? 'running' : 'done'));
    const m = renderProgress(job({ steps }), at(300));
    expectWithinSlackLimits(m);
    for (const text of [shown(m), m.text]) {
      expect(text).toContain('restart unit 001');
      expect(text).toContain('restart unit 500');
      expect(text).toMatch(/… \d+ more steps/);
    }
    expect(shown(m)).toContain(':hourglass_flowing_sand: restart unit 500');
    expect(shown(m)).toContain('(all in the thread)');
    const listed = shown(m).match(/restart unit \d{3}/g) ?? [];
    const hidden = Number(/… (\d+) more steps/.exec(shown(m))?.[1]);
    expect(listed.length + hidden).toBe(500);
  });

  it('with huge step names, details, title and summary still shows the latest step, the outcome and Retry, inside the limits', () => {
    const long = (label: string, n: number) => `${label} ${'x'.repeat(n)}`;
    const steps = Array.from({ length: 30 }, (_, i) => step(long(`step-${i + 1}`, 2_000), i === 29 ? 'failed' : 'done', long(`why-${i + 1}`, 5_000)));
    const state = job({ title: long('Deploy', 5_000), steps, result: { outcome: 'failed', summary: long('summary', 10_000), endedAt: iso(90) } });
    const m = renderProgress(state, at(90));
    expectWithinSlackLimits(m);
    // What a reader needs most survives the cuts: the step that failed, why, the outcome, Retry.
    expect(shown(m)).toContain(':x: step-30 x');
    expect(shown(m)).toContain('— why-30 x');
    expect(shown(m)).toContain('Failed');
    expect(shown(m)).toContain('summary x');
    expect(buttons(m).map((b) => b.action_id)).toEqual([ACTION_IDS.retry]);
    expect(m.text).toContain('[FAIL] step-30 x');
    expect(m.text).toContain('summary x');
    expect(m.text.endsWith(`[Retry] (retry job ${state.jobId})`)).toBe(true);
  });

  it('keeps every block under the limits for a running job with many long steps', () => {
    const steps: StepState[] = Array.from({ length: 60 }, (_, i) => step(`${i}-${'<&>'.repeat(1_500)}`, 'done'));
    const m = renderProgress(job({ steps }), at(10));
    expectWithinSlackLimits(m);
    expect((m.blocks as Block[]).length).toBeGreaterThanOrEqual(3);
    expect(shown(m)).toContain(':white_check_mark: 59-&lt;');
  });

  it("shows a failed job's excerpt under its result and its offers beside Retry, each button with an id of its own", () => {
    const journal = Array.from({ length: 20 }, (_, i) => `web@2.service[42]: <line ${i + 1}> ${'x'.repeat(150)}`).join('\n');
    const m = renderProgress(job({
      result: { outcome: 'failed', summary: 'web@2.service is crash-looping.', endedAt: iso(9) },
      excerpt: { title: 'Last 20 journal lines of web@2.service on 1a2b3c4d (10.0.0.5)', text: journal },
      offers: [{ action: 'rollback', label: 'Rollback to 1.0', command: 'rollback web --env prod' }],
    }), at(9));
    expectWithinSlackLimits(m);
    expect(shown(m)).toContain('*Last 20 journal lines of web@2.service on 1a2b3c4d (10.0.0.5)*');
    // The journal's end is what says why; an excerpt too long for its room keeps its last lines.
    expect(shown(m)).toContain('&lt;line 20&gt;');
    expect(shown(m)).toMatch(/… \d+ earlier lines not shown/);
    expect(buttons(m).map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Retry', ACTION_IDS.retry, 'deploy-7f3a'],
      ['Rollback to 1.0', ACTION_IDS.rollback, 'rollback web --env prod'],
    ]);
    expect(m.text).toContain('<line 20>');
    expect(m.text.endsWith('[Retry] (retry job deploy-7f3a) [Rollback to 1.0] (/dev rollback web --env prod)')).toBe(true);
  });

  it('offers nothing but the result on a job that succeeded, whatever was attached', () => {
    const m = renderProgress(job({ result: { outcome: 'succeeded', summary: 'ok', endedAt: iso(2) }, offers: [{ action: 'rollback', label: 'Rollback', command: 'rollback web' }] }), at(2));
    expect(buttons(m)).toEqual([]);
  });
});

