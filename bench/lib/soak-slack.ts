/**
 * The soak's side of Slack: signed slash commands with a response_url of their own (so every late
 * answer is attributed to its command), Confirm clicks on previews, and reading the job and alert
 * messages back from the strict Web API fake.
 */
import type { FakeSlackApi, RecordedCall } from '../../test/fakes/slack-api.js';
import { postSlashCommand } from '../../test/fakes/slack-signing.js';
import type { DevbotProcess } from '../../test/harness/devbot-processes.js';
import { waitFor } from '../../tools/local-cluster/index.js';
import { buttonIn, clickButton, SIGNING_SECRET, type SlackPlace } from './shipped-slack.js';

export interface Sent {
  triggerId: string;
  text: string;
  place: SlackPlace;
  status: number;
  ack: string;
  sentAt: number;
  ackMs: number;
}

export const textOf = (c: RecordedCall): string => String(c.params['text'] ?? '');
// The ack may go on ("… Slack is busy in this channel: the report will follow in about N s.").
const QUEUED = /(?:Already q|Q)ueued as job ([\w-]+)/;
export const jobIdInAck = (ack: string): string | undefined => QUEUED.exec(ack)?.[1];

/** `/dev <text>` as Slack POSTs it to one serve replica (a retry carries X-Slack-Retry-Num). */
export async function slash(slack: FakeSlackApi, serve: DevbotProcess, place: SlackPlace, text: string, triggerId: string, retryNum?: number): Promise<Sent> {
  const sentAt = Date.now();
  const res = await postSlashCommand(`http://127.0.0.1:${serve.port}/slack/events`, SIGNING_SECRET, {
    user_id: place.userId, user_name: place.userId.toLowerCase(), channel_id: place.channelId, channel_name: place.channelName, text, trigger_id: triggerId, response_url: slack.responseUrl(triggerId),
  }, retryNum === undefined ? {} : { retryNum });
  let ack = '';
  try {
    ack = String((JSON.parse(res.body) as { text?: unknown }).text ?? '');
  } catch {
    ack = res.body;
  }
  return { triggerId, text, place, status: res.status, ack, sentAt, ackMs: Date.now() - sentAt };
}

/**
 * A dangerous command end to end: typed, its preview found in the channel, Confirm clicked as the
 * same person. Returns the job id the click was answered with.
 */
export async function confirmed(slack: FakeSlackApi, serve: DevbotProcess, place: SlackPlace, text: string, triggerId: string, previewPattern: RegExp, onSent: (s: Sent) => void): Promise<string> {
  const sent = await slash(slack, serve, place, text, triggerId);
  onSent(sent);
  if (!/^Preparing a preview/.test(sent.ack)) throw new Error(`/dev ${text} was answered "${sent.ack}"`);
  // The preview is posted in the channel; a refusal (no quorum, a lock) comes back on the command's response_url.
  // Polled: listeners left waiting on the fake's emitter would pile up over a long soak.
  const isPreview = (c: RecordedCall) => c.method === 'chat.postMessage' && c.receivedAt >= sent.sentAt && c.status === 200 && c.params['channel'] === place.channelId && previewPattern.test(textOf(c));
  const seen = await waitFor(`the preview of /dev ${text}`, () => slack.calls.find((c) => isPreview(c) || (c.method === 'response_url' && c.responseId === triggerId)), { timeoutMs: 60_000, intervalMs: 50 });
  if (seen.method === 'response_url') throw new Error(`/dev ${text}: ${textOf(seen).slice(0, 300)}`);
  const preview = seen;
  const confirm = buttonIn(preview, 'devbot_confirm');
  if (!confirm) throw new Error(`the preview of /dev ${text} has no Confirm button: ${textOf(preview)}`);
  const responseId = await clickButton(`http://127.0.0.1:${serve.port}`, slack, place, preview, confirm);
  const answer = await waitFor(`the answer to the Confirm of /dev ${text}`, () => slack.calls.find((c) => c.method === 'response_url' && c.responseId === responseId), { timeoutMs: 60_000, intervalMs: 50 });
  const jobId = /running as job `?([^`\s]+?)`?\.?$/m.exec(textOf(answer))?.[1];
  if (!jobId) throw new Error(`the Confirm of /dev ${text} was answered "${textOf(answer)}"`);
  return jobId;
}

/** A job's message has reached its final state: a job's "— outcome (job X," or a report's "(job X, checked in". */
export function finalPattern(jobId: string): RegExp {
  const id = jobId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`— (succeeded|failed|cancelled) \\(job ${id}[,)]|\\(job ${id}, checked in`);
}

/** Top-level messages posted for the job (its one live message), successful posts only. */
export function jobMessages(slack: FakeSlackApi, jobId: string): RecordedCall[] {
  return slack.callsTo('chat.postMessage').filter((c) => c.status === 200 && c.params['thread_ts'] === undefined && textOf(c).includes(`(job ${jobId}`));
}

/** The text the job's message shows now at the fake: the last successful post or update of its ts. */
export function currentText(slack: FakeSlackApi, channel: string, ts: string): string | undefined {
  const calls = slack.calls.filter((c) => c.status === 200 && c.params['channel'] === channel && ((c.method === 'chat.postMessage' && c.ts === ts) || (c.method === 'chat.update' && c.params['ts'] === ts)));
  return calls.length ? textOf(calls.at(-1)!) : undefined;
}

/** The job's final state (a post or an update) if it has landed. */
export function landedFinal(slack: FakeSlackApi, jobId: string): RecordedCall | undefined {
  const re = finalPattern(jobId);
  return slack.calls.find((c) => c.status === 200 && (c.method === 'chat.update' || c.method === 'chat.postMessage') && re.test(textOf(c)));
}

/**
 * The job's final state (a post or an update), waiting up to `timeoutMs`. Polled: a listener per
 * waiting job (two, for post or update) would pile up on the fake's emitter over a long soak.
 */
export async function finalOf(slack: FakeSlackApi, jobId: string, timeoutMs: number): Promise<RecordedCall> {
  return waitFor(`the final message of job ${jobId}`, () => landedFinal(slack, jobId), { timeoutMs, intervalMs: 100 }).catch(() => {
    throw new Error(`job ${jobId}: no final message within ${timeoutMs} ms (its message now: ${jobMessages(slack, jobId).map((m) => currentText(slack, String(m.params['channel']), m.ts!)?.split('\n')[0]).join(' | ') || 'none'})`);
  });
}

/** The outcome a final message states. */
export function outcomeOf(text: string): string {
  return / — (succeeded|failed|cancelled) \(job /.exec(text)?.[1] ?? (/checked in/.test(text) ? 'report' : '?');
}

/** Alert rules that are events: posted once, done (nothing to resolve). */
const EVENT_RULES = new Set(['etcd-leader-changed', 'group-instances-changed']);

export interface AlertMessage {
  key: string;
  channel: string;
  ts: string;
  /** Successful posts of a message for this key in this channel (one when re-fires update it). */
  posts: number;
  /** Times it went to firing (the post, and each re-fire's update). */
  fired: number;
  resolvedUpdates: number;
  final: string;
  event: boolean;
}

/** Every alert message devbot posted (text first line `SEVERITY: …`, key in its notes). */
export function alertMessages(slack: FakeSlackApi): AlertMessage[] {
  const keyOf = (t: string) => /key (\S+?)\)?$/m.exec(t)?.[1] ?? /key `([^`]+)`/.exec(t)?.[1];
  const posts = slack.callsTo('chat.postMessage').filter((c) => c.status === 200 && c.params['thread_ts'] === undefined && /^(CRITICAL|WARNING|INFO|RESOLVED after)/.test(textOf(c)) && keyOf(textOf(c)));
  const byMessage = new Map<string, AlertMessage>();
  for (const p of posts) {
    const key = keyOf(textOf(p))!;
    const channel = String(p.params['channel']);
    const updates = slack.callsTo('chat.update').filter((u) => u.status === 200 && u.params['channel'] === channel && u.params['ts'] === p.ts);
    const all = [p, ...updates];
    byMessage.set(`${channel}/${p.ts}`, {
      key, channel, ts: p.ts!, posts: posts.filter((q) => q.params['channel'] === channel && keyOf(textOf(q)) === key).length,
      fired: all.filter((c, i) => /^(CRITICAL|WARNING|INFO)/.test(textOf(c)) && (i === 0 || /^RESOLVED/.test(textOf(all[i - 1]!)))).length,
      resolvedUpdates: updates.filter((u) => /^RESOLVED/.test(textOf(u))).length,
      final: textOf(all.at(-1)!).split('\n')[0]!,
      event: EVENT_RULES.has(key.split('/')[1] ?? ''),
    });
  }
  return [...byMessage.values()];
}
