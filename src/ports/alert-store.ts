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
  channels: string[];
  /** Where its one message was posted (one per channel and transport). */
  messages: Array<{ transport: Transport; ref: MessageRef }>;
  silencedUntil?: string;
  silencedBy?: string;
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
}
