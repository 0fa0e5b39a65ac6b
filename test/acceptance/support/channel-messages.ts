/** What a person sees in a channel: messages devbot posted there, or edited in place. */
import type { FakeSlackApi, RecordedCall } from '../../fakes/slack-api.js';

/**
 * The first post or in-place update in `channel` whose text matches `pattern` (already seen or yet
 * to come), received at or after `since` (epoch ms) when given.
 */
export function waitForText(slack: FakeSlackApi, channel: string, pattern: RegExp, timeoutMs = 10_000, since = 0): Promise<RecordedCall> {
  const matches = (c: RecordedCall) => c.receivedAt >= since && c.params['channel'] === channel && pattern.test(String(c.params['text']));
  return Promise.any([
    slack.waitForCall('chat.postMessage', matches, timeoutMs),
    slack.waitForCall('chat.update', matches, timeoutMs),
  ]).catch(() => {
    const seen = slack.calls.filter((c) => c.params['channel'] === channel).map((c) => `${c.method}: ${String(c.params['text']).slice(0, 120)}`);
    throw new Error(`no message in ${channel} matching ${pattern} within ${timeoutMs} ms; seen there:\n${seen.join('\n') || '(nothing)'}`);
  });
}

/** Every message devbot posted (not updated) in `channel` whose text matches. */
export function postsIn(slack: FakeSlackApi, channel: string, pattern: RegExp): RecordedCall[] {
  return slack.callsTo('chat.postMessage').filter((c) => c.params['channel'] === channel && pattern.test(String(c.params['text'])));
}

/** The ts of the message a post created or an update edited. */
export function messageTs(call: RecordedCall): string | undefined {
  return call.method === 'chat.update' ? String(call.params['ts']) : call.ts;
}
