import { UpstreamError } from '../errors.js';

/**
 * An environment's CloudFormation stack, as the stack job and the status report use it: change
 * sets (create, read, execute, delete), the stack itself, its events, and cancelling an update.
 * Every method fails with UpstreamError('cloudformation') whose `userFacing` says what to do
 * (no credentials, access denied, throttled after retries, stack in a state that forbids it).
 */

export interface StackSummary {
  name: string;
  id: string;
  /** CloudFormation's status, e.g. UPDATE_COMPLETE, UPDATE_ROLLBACK_IN_PROGRESS, REVIEW_IN_PROGRESS. */
  status: string;
  statusReason?: string;
  createdAt: Date;
  lastUpdatedAt?: Date;
  outputs: Record<string, string>;
}

export type ChangeAction = 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic';

/** One resource a change set would touch. */
export interface ResourceChange {
  action: ChangeAction;
  logicalId: string;
  resourceType: string;
  physicalId?: string;
  /** For Modify: whether the resource is replaced (True), may be (Conditional), or not (False). */
  replacement?: 'True' | 'False' | 'Conditional';
  /** What changes: Properties, Metadata, Tags… */
  scope: string[];
  /** Names of the changed properties (e.g. InstanceType), when CloudFormation says. */
  properties: string[];
}

export interface ChangeSetView {
  name: string;
  /** CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, FAILED, DELETE_… */
  status: string;
  statusReason?: string;
  /** AVAILABLE (may run), UNAVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE. */
  executionStatus?: string;
  createdAt?: Date;
  changes: ResourceChange[];
}

/** One stack event: a resource (or the stack itself) entering a status. */
export interface StackEvent {
  id: string;
  timestamp: Date;
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
}

export interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  /** CREATE for a stack that does not exist yet (or only awaits review), else UPDATE. */
  type: 'CREATE' | 'UPDATE';
  templateBody: string;
  tags: Record<string, string>;
}

export interface ReadOptions {
  /** Stops waiting (and retrying) when aborted. */
  signal?: AbortSignal;
}

export interface Stacks {
  /** The stack, or undefined when it does not exist. */
  describeStack(stackName: string, opts?: ReadOptions): Promise<StackSummary | undefined>;
  /** Starts creating a change set; it is ready when describeChangeSet says CREATE_COMPLETE (or FAILED). */
  createChangeSet(input: CreateChangeSetInput): Promise<void>;
  /** The change set with all its changes, or undefined when it does not exist. */
  describeChangeSet(stackName: string, changeSetName: string): Promise<ChangeSetView | undefined>;
  /**
   * Executes a change set. `clientRequestToken` makes a repeated call (a retried job) a no-op.
   * Fails when the stack cannot be updated now (an operation runs, or it must be deleted first).
   */
  executeChangeSet(stackName: string, changeSetName: string, clientRequestToken: string): Promise<void>;
  /** Deletes a change set; a missing one is not an error. */
  deleteChangeSet(stackName: string, changeSetName: string): Promise<void>;
  /** The stack's events at or after `since`, oldest first (all pages). */
  eventsSince(stackName: string, since: Date): Promise<StackEvent[]>;
  /** Cancels the running update (CancelUpdateStack): CloudFormation rolls it back. */
  cancelUpdate(stackName: string): Promise<void>;
}

/**
 * AWS cannot be used at all: no credentials were found, or no region is set. Not worth retrying;
 * the status report shows it as information rather than as a failure.
 */
export class AwsNotConfiguredError extends UpstreamError {
  constructor(message: string, cause?: unknown) {
    super(message, { service: 'aws', retryable: false, cause });
  }
}
