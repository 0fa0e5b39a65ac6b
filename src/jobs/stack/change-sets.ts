import { UpstreamError } from '../../errors.js';
import type { ChangeSetView } from '../../ports/stacks.js';
import { pause } from './pause.js';
import type { StackSetup } from './stack-setup.js';

const PENDING = new Set(['CREATE_PENDING', 'CREATE_IN_PROGRESS']);

/** CloudFormation refuses to make a change set that changes nothing; its reason says so. */
export function isNoChanges(view: ChangeSetView): boolean {
  return view.status === 'FAILED' && /didn't contain changes|no updates are to be performed/i.test(view.statusReason ?? '');
}

/** Polls the change set until CloudFormation has worked it out (CREATE_COMPLETE or FAILED). */
export async function waitForChangeSet(s: StackSetup, name: string, signal?: AbortSignal): Promise<ChangeSetView> {
  const deadline = Date.now() + s.aws.changeSetTimeoutMs;
  for (;;) {
    const view = await s.stacks.describeChangeSet(s.stackName, name);
    if (!view) throw new UpstreamError(`Change set ${name} of ${s.stackName} disappeared while it was being made (deleted by someone?). Nothing was changed; run the command again.`, { service: 'cloudformation', retryable: false });
    if (!PENDING.has(view.status)) return view;
    if (Date.now() > deadline) {
      throw new UpstreamError(`Change set ${name} of ${s.stackName} was still ${view.status} after ${Math.round(s.aws.changeSetTimeoutMs / 1000)} s. Nothing was changed; try again later.`, { service: 'cloudformation', retryable: false });
    }
    await pause(s.pollMs, signal);
    signal?.throwIfAborted();
  }
}

/** Makes a change set (or takes the one already there under `name`) and waits until it is worked out. */
export async function readyChangeSet(s: StackSetup, name: string, type: 'CREATE' | 'UPDATE', signal?: AbortSignal): Promise<ChangeSetView> {
  if (!(await s.stacks.describeChangeSet(s.stackName, name))) {
    await s.stacks.createChangeSet({ stackName: s.stackName, changeSetName: name, type, templateBody: s.body, tags: s.tags });
  }
  return waitForChangeSet(s, name, signal);
}

/** A change set that failed for another reason than "no changes": the reason is CloudFormation's verdict on the template. */
export function failedChangeSet(s: StackSetup, view: ChangeSetView): UpstreamError {
  return new UpstreamError(`CloudFormation could not make a change set for ${s.stackName}: ${view.statusReason ?? view.status}. Nothing was changed.`, { service: 'cloudformation', retryable: false });
}
