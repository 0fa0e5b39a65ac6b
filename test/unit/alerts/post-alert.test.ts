import { describe, expect, it } from 'vitest';
import { trackChannelFailures } from '../../../src/alerts/channel-failures.js';
import { advanceAlerts, type Observed } from '../../../src/alerts/lifecycle.js';
import { postAlert } from '../../../src/alerts/post-alert.js';
import type { AlertRule } from '../../../src/alerts/rule.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/log.js';
import type { Chat } from '../../../src/ports/chat.js';
import { noMetrics } from '../../../src/ports/metrics.js';
import { createFakeAlertStore, createRecordingChat } from '../../fakes/fake-stores.js';

const rule: AlertRule = { name: 'etcd-member-unreachable', severity: 'warning', forMs: 0, kind: 'condition', appliesTo: () => true, evaluate: () => [] };
const seen: Observed = { rule, environment: 'local', forMs: 0, channels: ['ops', 'broken'], finding: { subject: 'e2', summary: 'e2 is unreachable', details: [], advice: 'bring it back' } };

describe('postAlert to console sessions (no Slack token)', () => {
  it('keeps the message of a channel that worked when a later one fails, and saves it at once; the next try posts only the missing one', async () => {
    const config = loadConfig({ documents: ['environments: { local: { etcd: { endpoints: ["http://127.0.0.1:2379"] } } }\nchannels: { ops: { environment: local }, broken: { environment: local } }'], env: {} });
    const recording = createRecordingChat();
    let brokenFails = true;
    const chat: Chat = { ...recording, post: async (channel, message, opts) => {
      if (channel === 'broken' && brokenFails) throw new Error('the console session went away');
      return recording.post(channel, message, opts);
    } };
    const alertStore = createFakeAlertStore();
    const deps = { config, log: silentLogger(), metrics: noMetrics, alertStore, chatFor: () => chat, consoleListeners: { listen: async () => {}, stop: async () => {}, sessionsFor: async () => ['s1'] } };
    const state = advanceAlerts([], [seen], new Date(0), 60_000, 'console').changed[0]!.state;

    expect(await postAlert(state, { text: 'WARNING: e2 is unreachable' }, deps, await trackChannelFailures(deps, new Date(0)))).toBe(1);
    expect((await alertStore.load())[0]?.messages.map((m) => m.channel)).toEqual(['ops']);

    const again = advanceAlerts(await alertStore.load(), [seen], new Date(2000), 60_000, 'console').changed;
    expect(again.map((c) => c.action)).toEqual(['post']);
    brokenFails = false;
    expect(await postAlert(again[0]!.state, { text: 'WARNING: e2 is unreachable' }, deps, await trackChannelFailures(deps, new Date(2000)))).toBe(1);
    expect(recording.messages.map((m) => m.channel)).toEqual(['ops', 'broken']);
    expect(advanceAlerts(await alertStore.load(), [seen], new Date(4000), 60_000, 'console').changed).toEqual([]);
    expect(await alertStore.channelFailures()).toEqual({}); // not a Slack refusal: nothing to report
  });
});
