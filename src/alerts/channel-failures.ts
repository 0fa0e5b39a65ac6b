import type { Deps } from '../deps.js';
import { UpstreamError } from '../errors.js';
import type { AlertStore, ChannelFailure } from '../ports/alert-store.js';
import { channelMention } from '../render/alert.js';

/**
 * A refused channel is tried again this long after its last try: inviting devbot takes effect
 * within a minute, without a refused call on every evaluation for every alert.
 */
export const RETRY_FAILED_CHANNEL_MS = 60_000;
/** A failure nothing has tried for this long is forgotten: no alert is routed there any more. */
const FORGET_FAILURE_MS = 3_600_000;

/**
 * Slack's error code when `err` is a refusal that stands until someone acts (`not_in_channel`,
 * `channel_not_found`, `is_archived`…); undefined for what the next evaluation may get past (rate
 * limits, timeouts, Slack's own 5xx). The Slack adapter ends its message with the code.
 */
export function refusalCode(err: unknown): string | undefined {
  if (!(err instanceof UpstreamError) || err.service !== 'slack' || err.retryable) return undefined;
  return /: ([a-z0-9_]+)$/.exec(err.message)?.[1] ?? 'unknown_error';
}

const RESTRICTED = /^(restricted_action.*|ekm_access_denied|cannot_reply_to_message)$/;
const BAD_TOKEN = /^(invalid_auth|not_authed|account_inactive|token_revoked|token_expired)$/;

/** What to do about a channel that refused, in a sentence an operator can act on. */
export function adviceFor(channel: string, error: string): string {
  const c = channelMention(channel);
  if (error === 'not_in_channel') return `invite @devbot to ${c} (\`/invite @devbot\` there)`;
  if (error === 'channel_not_found') return `check that ${c} exists and that its id under \`channels:\` is right; a private channel also needs @devbot invited`;
  if (error === 'is_archived') return `unarchive ${c}, or send alerts elsewhere (\`alerts.channels\`)`;
  if (RESTRICTED.test(error)) return `ask a workspace admin to let @devbot post in ${c}`;
  if (BAD_TOKEN.test(error)) return 'check DEVBOT_SLACK_BOT_TOKEN (Slack rejected the token)';
  if (error === 'missing_scope') return "give devbot's Slack app the chat:write scope and reinstall it";
  return `check ${c} and devbot's Slack app (Slack answered ${error})`;
}

type TrackerDeps = Pick<Deps, 'log' | 'metrics'> & { alertStore: AlertStore };

export interface ChannelFailures {
  /** Whether to post to `channel` now: always, unless it refused less than RETRY_FAILED_CHANNEL_MS ago. */
  shouldTry(channel: string): boolean;
  /** Records a refusal; the first one (or a new error) is reported: logs, metric, `/dev alerts`. */
  failed(channel: string, error: string): Promise<void>;
  /** A post went through: a recorded failure is cleared. */
  worked(channel: string): Promise<void>;
}

/** The channel failures of one evaluation, over what the store remembers from earlier ones. */
export async function trackChannelFailures(deps: TrackerDeps, now: Date): Promise<ChannelFailures> {
  const known = await deps.alertStore.channelFailures();
  const iso = now.toISOString();
  const ageOf = (f: ChannelFailure) => now.getTime() - new Date(f.lastTriedAt).getTime();
  for (const f of Object.values(known)) {
    if (ageOf(f) <= FORGET_FAILURE_MS) continue;
    delete known[f.channel];
    await deps.alertStore.clearChannelFailure(f.channel);
  }
  return {
    shouldTry(channel) {
      const f = known[channel];
      return !f || ageOf(f) >= RETRY_FAILED_CHANNEL_MS;
    },
    async failed(channel, error) {
      const before = known[channel];
      const same = before?.error === error;
      const failure = { channel, error, advice: adviceFor(channel, error), since: same ? before.since : iso, lastTriedAt: iso };
      known[channel] = failure;
      await deps.alertStore.saveChannelFailure(failure);
      if (same) return void deps.log.debug({ channel, error }, 'channel still refuses alerts');
      deps.metrics.alertChannelFailed(channel, error);
      deps.log.error({ channel, error, advice: failure.advice }, `alerts cannot be posted to ${channelMention(channel)} (${error}): ${failure.advice}`);
    },
    async worked(channel) {
      if (!known[channel]) return;
      delete known[channel];
      await deps.alertStore.clearChannelFailure(channel);
      deps.log.info({ channel }, `alerts reach ${channelMention(channel)} again`);
    },
  };
}
