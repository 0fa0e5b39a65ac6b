import type { AlertSeverity } from '../config/alerts-schema.js';
import type { MessageRef } from './chat.js';
import type { Transport } from './queue.js';

/** One alert: a rule about a subject in an environment, through its whole life. */
export interface AlertState {
  /** `<environment>/<rule>/<subject>`: what `/dev silence` names. */
  key: string;
  environment: string;
  rule: string;
  subject: string;
  severity: AlertSeverity;
  kind: 'condition' | 'event';
  status: 'pending' | 'firing' | 'resolved';
  /** When the condition was first seen in this episode. */
  since: string;
  firedAt?: string;
  resolvedAt?: string;
  /** Re-fires within `repeatMs` of resolving, each updating the same message. */
  flaps: number;
  summary: string;
  details: string[];
  advice: string;
  runbook?: string;
  /** A `/dev` command offered as a button on the alert (the rule's `command`). */
  command?: { label: string; text: string };
  channels: string[];
  /**
   * Where its one message was posted (one per channel and transport), saved as each post succeeds.
   * `channel` is the routed channel (a `channels:` name or a Slack id); states saved before it
   * existed lack it and were posted to all their channels at once.
   */
  messages: Array<{ transport: Transport; ref: MessageRef; channel?: string }>;
  silencedUntil?: string;
  silencedBy?: string;
}

/** A channel that refused an alert (`not_in_channel`…): reported once, retried now and then. */
export interface ChannelFailure {
  /** The routed channel (a `channels:` name or a Slack id). */
  channel: string;
  /** Slack's error code. */
  error: string;
  /** What to do about it: "invite @devbot to #ops". */
  advice: string;
  /** When it first refused (this episode). */
  since: string;
  /** When a post to it was last tried. */
  lastTriedAt: string;
}

export interface AlertStore {
  /** Every alert not yet forgotten. Fails with UpstreamError('redis'). */
  load(): Promise<AlertState[]>;
  save(states: AlertState[]): Promise<void>;
  remove(keys: string[]): Promise<void>;
  /** Silences `key` until `until`; it may name an alert that has not fired yet. */
  silence(key: string, until: Date, by: string): Promise<void>;
  silences(): Promise<Record<string, { until: string; by: string }>>;
  /** The last snapshot per environment, which event rules (leader changed) compare with. */
  lastSnapshot(environment: string): Promise<unknown>;
  saveSnapshot(environment: string, snapshot: unknown): Promise<void>;
  /** Channels alerts could not be posted to, by channel. Fails with UpstreamError('redis'). */
  channelFailures(): Promise<Record<string, ChannelFailure>>;
  /** Records (or refreshes) a channel's failure, replacing what was recorded for that channel. */
  saveChannelFailure(failure: ChannelFailure): Promise<void>;
  /** Forgets a channel's failure: it works again, or nothing has tried it for long. */
  clearChannelFailure(channel: string): Promise<void>;
}
