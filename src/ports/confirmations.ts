import type { ChatMessage, MessageRef } from './chat.js';
import type { JobData, Transport } from './queue.js';

/** A dangerous command waiting for Confirm (and approvals) before it runs. */
export interface PendingConfirmation {
  id: string;
  /** What runs once confirmed: a job, or the cancellation of someone else's job. */
  action: { type: 'job'; jobId: string; data: JobData } | { type: 'cancel'; jobId: string };
  requester: string;
  channel: string;
  channelName: string;
  environment: string;
  transport: Transport;
  text: string;
  verb: string;
  target?: string;
  lockTarget?: string;
  /** Distinct people who must agree (1 = anyone allowed, requester included). */
  approvals: number;
  approvers: string[];
  expiresAt: string;
  /** The job kind's preview, kept to re-render the message as approvals arrive. */
  preview: ChatMessage;
  message?: MessageRef;
}

export interface Confirmations {
  /** Stores a pending confirmation until it expires. Fails with UpstreamError('redis'). */
  create(pending: PendingConfirmation, ttlMs: number): Promise<void>;
  get(id: string): Promise<PendingConfirmation | undefined>;
  /** Records where its preview message is. */
  attachMessage(id: string, message: MessageRef): Promise<void>;
  /** Adds an approver; returns the distinct approvers so far (undefined if gone). */
  approve(id: string, user: string): Promise<string[] | undefined>;
  /**
   * Removes it and returns it, atomically: of two simultaneous clicks only one gets it, so a
   * double-click never starts two jobs.
   */
  take(id: string): Promise<PendingConfirmation | undefined>;
}
