import { RefusedError, UpstreamError } from '../../errors.js';
import { describeChange, summarizeChanges } from '../../render/stack-changes.js';
import { describeEvent, describeFailure, firstFailure, formatDuration } from '../../render/stack-events.js';
import { isSuccess, mustBeDeleted } from '../../stack/stack-states.js';
import type { JobContext } from '../job-kind.js';
import { failedChangeSet, isNoChanges, readyChangeSet } from './change-sets.js';
import { followStack, type FollowResult } from './follow-stack.js';
import { changeSetTypeFor, type StackSetup } from './stack-setup.js';

const EXECUTED = new Set(['EXECUTE_IN_PROGRESS', 'EXECUTE_COMPLETE', 'EXECUTE_FAILED']);

/**
 * `/dev stack create|update` once confirmed: takes the change set the preview made (or makes it,
 * after `--yes`), executes it, and streams the stack's events into the job's thread until the
 * operation ends. Every step can run again after a worker died: an executed change set is
 * followed, not executed twice.
 */
export async function runApply(action: 'create' | 'update', s: StackSetup, changeSetName: string, ctx: Pick<JobContext, 'progress' | 'signal'>): Promise<void> {
  const { progress, signal } = ctx;
  const prepared = await progress.step(`Prepare change set ${changeSetName}`, async () => {
    const existing = await s.stacks.describeChangeSet(s.stackName, changeSetName);
    if (existing?.executionStatus && EXECUTED.has(existing.executionStatus)) return { noChanges: false };
    const type = changeSetTypeFor(action, s.stackName, await s.stacks.describeStack(s.stackName));
    const view = await readyChangeSet(s, changeSetName, type, signal).catch(async (e: unknown) => {
      if (signal.aborted) await s.stacks.deleteChangeSet(s.stackName, changeSetName).catch(() => undefined);
      throw e;
    });
    if (isNoChanges(view)) {
      await s.stacks.deleteChangeSet(s.stackName, changeSetName);
      return { noChanges: true };
    }
    if (view.status !== 'CREATE_COMPLETE') {
      await s.stacks.deleteChangeSet(s.stackName, changeSetName).catch(() => undefined);
      throw failedChangeSet(s, view);
    }
    if (view.executionStatus !== 'AVAILABLE') {
      throw new RefusedError(`Change set ${changeSetName} can no longer run (${view.executionStatus ?? 'unavailable'}${view.statusReason ? `: ${view.statusReason}` : ''}): the stack changed since the preview. Nothing was changed; run the command again for a fresh preview.`);
    }
    progress.log(`${summarizeChanges(view.changes)}:`);
    for (const c of view.changes) progress.log(describeChange(c));
    return { noChanges: false };
  });
  if (prepared?.noChanges) {
    await progress.finish('succeeded', `No changes: ${s.stackName} already matches the template.`);
    return;
  }

  const started = Date.now();
  const result = await progress.step(`Execute ${changeSetName} and follow the stack`, async () => {
    const view = await s.stacks.describeChangeSet(s.stackName, changeSetName);
    if (!view) throw new RefusedError(`Change set ${changeSetName} is gone (deleted, or replaced by another operation). Nothing was run; run the command again.`);
    if (!view.executionStatus || !EXECUTED.has(view.executionStatus)) {
      await s.stacks.executeChangeSet(s.stackName, changeSetName, changeSetName);
      progress.log(`Executing ${changeSetName}; stack events follow.`);
    }
    return followStack(s, { since: view.createdAt ?? new Date(started - 60_000), signal, onEvent: (e) => progress.log(describeEvent(e)), onNote: (l) => progress.log(l) });
  });
  if (result) return report(s, result, Date.now() - started, ctx);
  // An earlier attempt followed the operation to its end but did not live to report it.
  const stack = await s.stacks.describeStack(s.stackName);
  if (!stack || !isSuccess(stack.status)) throw new UpstreamError(`${s.stackName} is ${stack?.status ?? 'gone'}; see its events in the console.`, { service: 'cloudformation', retryable: false });
  await progress.finish('succeeded', `${s.stackName}: ${stack.status}.`);
}

/** Ends the job with the operation's outcome, saying plainly what a failure or rollback means. */
async function report(s: StackSetup, r: FollowResult, tookMs: number, ctx: Pick<JobContext, 'progress' | 'signal'>): Promise<void> {
  const { status } = r.stack;
  const took = formatDuration(tookMs);
  if (r.cancelled && !isSuccess(status)) {
    const how = r.cancelSent ? `CloudFormation rolled the update back: ${s.stackName} is ${status}` : `${s.stackName} is ${status}`;
    ctx.progress.log(`Cancelled: ${how}.`);
    throw new RefusedError(`Cancelled: ${how}.`);
  }
  if (r.timedOut) {
    throw new UpstreamError(`${s.stackName} is still ${status} after ${took}; devbot stopped following it, CloudFormation carries on. \`/dev status\` shows how it ends.`, { service: 'cloudformation', retryable: false });
  }
  if (isSuccess(status)) {
    const touched = new Set(r.events.filter((e) => e.resourceType !== 'AWS::CloudFormation::Stack').map((e) => e.logicalId)).size;
    await ctx.progress.finish('succeeded', `${s.stackName}: ${status} in ${took} (${touched} resource${touched === 1 ? '' : 's'} changed).`);
    return;
  }
  const failure = describeFailure(firstFailure(r.events));
  const next = mustBeDeleted(status)
    ? `CloudFormation only allows deleting ${s.stackName} now: delete it, fix the cause, then \`/dev stack create\` again.`
    : status === 'UPDATE_ROLLBACK_COMPLETE'
      ? `${s.stackName} is back as it was before the update; fix the cause and update again.`
      : `Look at the stack's events in the console before trying again.`;
  const what = status === 'UPDATE_ROLLBACK_COMPLETE' ? 'The update failed and was rolled back' : status === 'ROLLBACK_COMPLETE' ? 'The creation failed and was rolled back' : 'The operation failed';
  throw new UpstreamError(`${what} (${status}). ${failure} ${next}`, { service: 'cloudformation', retryable: false });
}
