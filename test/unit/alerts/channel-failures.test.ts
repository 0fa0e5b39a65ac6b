import { describe, expect, it } from 'vitest';
import { adviceFor, refusalCode, trackChannelFailures } from '../../../src/alerts/channel-failures.js';
import { advanceAlerts, type Observed } from '../../../src/alerts/lifecycle.js';
import type { AlertRule } from '../../../src/alerts/rule.js';
import { UpstreamError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import type { AlertState } from '../../../src/ports/alert-store.js';
import { noMetrics } from '../../../src/ports/metrics.js';
import { renderAlertList } from '../../../src/render/alert.js';
import { createFakeAlertStore } from '../../fakes/fake-stores.js';

const rule: AlertRule = { name: 'machine-gone', severity: 'critical', forMs: 0, kind: 'condition', appliesTo: () => true, evaluate: () => [] };
const seen: Observed = { rule, environment: 'prod', forMs: 0, channels: ['ops', 'broken'], finding: { subject: 'm1', summary: 'machine m1 left fleet', details: [], advice: 'look' } };
const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 3, 0, s));
const slackMessage = (channel?: string): AlertState['messages'][number] => ({ transport: { kind: 'slack' }, ref: { channel: 'C1', ts: '1.0' }, ...(channel ? { channel } : {}) });

describe('an alert posted to some of its channels', () => {
  const firing = (messages: AlertState['messages']): AlertState => {
    const state = advanceAlerts([], [seen], at(0), 60_000).changed[0]!.state;
    return { ...state, messages };
  };

  it('is posted again where it has no message yet, and only there', () => {
    const { changed } = advanceAlerts([firing([slackMessage('ops')])], [seen], at(2), 60_000);
    expect(changed.map((c) => c.action)).toEqual(['post']);
  });

  it('is left alone once every channel has its message (or when it was saved before messages named their channel)', () => {
    expect(advanceAlerts([firing([slackMessage('ops'), slackMessage('broken')])], [seen], at(2), 60_000).changed).toEqual([]);
    expect(advanceAlerts([firing([slackMessage()])], [seen], at(2), 60_000).changed).toEqual([]);
  });
});

describe('channel failures', () => {
  it('a refusal is a non-retryable Slack error, named by its code; rate limits and other services are not', () => {
    expect(refusalCode(new UpstreamError('while posting to Slack: not_in_channel', { service: 'slack', retryable: false }))).toBe('not_in_channel');
    expect(refusalCode(new UpstreamError('while posting to Slack: ratelimited', { service: 'slack', retryable: true }))).toBeUndefined();
    expect(refusalCode(new UpstreamError('No etcd member answered', { service: 'etcd', retryable: false }))).toBeUndefined();
    expect(refusalCode(new Error('boom'))).toBeUndefined();
  });

  it('says what to do', () => {
    expect(adviceFor('ops', 'not_in_channel')).toMatch(/^invite @devbot to #ops/);
    expect(adviceFor('C0123ABCD9', 'not_in_channel')).toMatch(/^invite @devbot to <#C0123ABCD9>/);
    expect(adviceFor('ops', 'is_archived')).toMatch(/unarchive #ops/);
  });

  it('is reported once, tried again after a minute, and cleared when a post goes through', async () => {
    const store = createFakeAlertStore();
    const counted: string[] = [];
    const deps = { log: silentLogger(), alertStore: store, metrics: { ...noMetrics, alertChannelFailed: (c: string, e: string) => void counted.push(`${c}:${e}`) } };
    const first = await trackChannelFailures(deps, at(0));
    expect(first.shouldTry('broken')).toBe(true);
    await first.failed('broken', 'not_in_channel');
    expect(first.shouldTry('broken')).toBe(false);
    await (await trackChannelFailures(deps, at(30))).failed('broken', 'not_in_channel'); // e.g. a second worker
    expect(counted).toEqual(['broken:not_in_channel']);
    expect((await trackChannelFailures(deps, at(59))).shouldTry('broken')).toBe(false);
    const later = await trackChannelFailures(deps, at(91));
    expect(later.shouldTry('broken')).toBe(true);
    expect(renderAlertList([], at(91), Object.values(await store.channelFailures())).text).toBe(
      'No alerts are firing.\n\nChannels alerts cannot reach:\n:no_entry: #broken refused alerts (not_in_channel) since 03:00:00 UTC: invite @devbot to #broken (`/invite @devbot` there)',
    );
    await later.worked('broken');
    expect(await store.channelFailures()).toEqual({});
  });
});
