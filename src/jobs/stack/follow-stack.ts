import { BotError, UpstreamError } from '../../errors.js';
import type { StackEvent, StackSummary } from '../../ports/stacks.js';
import { isTerminal } from '../../stack/stack-states.js';
import { pause } from './pause.js';
import type { StackSetup } from './stack-setup.js';

export interface FollowResult {
  stack: StackSummary;
  /** Every event of the operation seen, oldest first. */
  events: StackEvent[];
  /** The job was cancelled while following; `cancelSent` says whether CancelUpdateStack went out. */
  cancelled: boolean;
  cancelSent: boolean;
  /** devbot stopped following before the operation ended (operationTimeoutMs). */
  timedOut: boolean;
}

export interface FollowOptions {
  /** Events from this time on belong to the operation (the change set's creation time, CloudFormation's clock). */
  since: Date;
  signal: AbortSignal;
  /** Called once per new event, in order: one line per resource status transition. */
  onEvent(event: StackEvent): void;
  /** Says what the cancellation did. */
  onNote(line: string): void;
}

/**
 * Polls a running stack operation until it ends, reporting each new event as it appears. When
 * the job is cancelled during an update, asks CloudFormation to cancel it (CancelUpdateStack)
 * and follows the rollback to its end; a creation cannot be cancelled, so devbot stops following.
 */
export async function followStack(s: StackSetup, opts: FollowOptions): Promise<FollowResult> {
  const seen = new Set<string>();
  const events: StackEvent[] = [];
  const deadline = Date.now() + s.aws.operationTimeoutMs;
  // Read from the newest event seen on: events of the same second come again and are skipped by id.
  let cursor = opts.since;
  let cancelled = false;
  let cancelSent = false;
  for (;;) {
    const stack = await s.stacks.describeStack(s.stackName);
    if (!stack) throw new UpstreamError(`Stack ${s.stackName} disappeared while devbot was following it (deleted by someone?).`, { service: 'cloudformation', retryable: false });
    for (const e of await s.stacks.eventsSince(s.stackName, cursor)) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      events.push(e);
      if (e.timestamp > cursor) cursor = e.timestamp;
      opts.onEvent(e);
    }
    const result = { stack, events, cancelled, cancelSent, timedOut: false };
    if (isTerminal(stack.status)) return result;
    if (opts.signal.aborted && !cancelled) {
      cancelled = true;
      if (stack.status === 'UPDATE_IN_PROGRESS') {
        cancelSent = await sendCancel(s, opts);
      } else if (stack.status === 'CREATE_IN_PROGRESS') {
        opts.onNote(`CloudFormation cannot cancel a stack creation: ${s.stackName} goes on being created. devbot stops following it; \`/dev status\` shows how it ends, and a stack you do not want must be deleted afterwards.`);
        return { ...result, cancelled };
      } else {
        opts.onNote(`Too late to cancel: the stack is ${stack.status}. devbot follows it to the end.`);
      }
    }
    if (Date.now() > deadline) return { ...result, timedOut: true };
    await pause(s.pollMs, cancelled ? undefined : opts.signal);
  }
}

async function sendCancel(s: StackSetup, opts: FollowOptions): Promise<boolean> {
  try {
    await s.stacks.cancelUpdate(s.stackName);
    opts.onNote(`Cancel requested: CancelUpdateStack sent; CloudFormation rolls ${s.stackName} back. devbot follows the rollback to its end.`);
    return true;
  } catch (e) {
    opts.onNote(`CancelUpdateStack was refused (${e instanceof BotError ? e.userFacing : String(e)}); devbot follows the update to its end.`);
    return false;
  }
}
