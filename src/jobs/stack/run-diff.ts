import { RefusedError } from '../../errors.js';
import { renderStackChanges, summarizeChanges } from '../../render/stack-changes.js';
import { changesOfNewStack } from '../../stack/new-stack-changes.js';
import { REVIEW, isInProgress, mustBeDeleted, whyNotUpdatable } from '../../stack/stack-states.js';
import type { JobContext } from '../job-kind.js';
import { failedChangeSet, isNoChanges, readyChangeSet } from './change-sets.js';
import type { StackSetup } from './stack-setup.js';

/**
 * `/dev stack diff`: what an update would change, from a change set made against the live stack
 * and deleted again whatever happens. Changes nothing; needs no confirmation.
 */
export async function runDiff(s: StackSetup, changeSetName: string, ctx: Pick<JobContext, 'progress' | 'signal'>): Promise<void> {
  const { progress, signal } = ctx;
  const where = `${s.stackName} (${s.environment})`;
  const stack = await progress.step(`Read stack ${s.stackName}`, () => s.stacks.describeStack(s.stackName));
  if (!stack || stack.status === REVIEW) {
    const changes = changesOfNewStack(s.template);
    const summary = `Stack ${s.stackName} does not exist yet: \`/dev stack create\` would add ${changes.length} resources.`;
    await progress.finish('succeeded', summary, renderStackChanges({ title: `Stack ${where} does not exist yet`, intro: [summary], changes }));
    return;
  }
  if (isInProgress(stack.status) || mustBeDeleted(stack.status)) throw new RefusedError(whyNotUpdatable(s.stackName, stack.status) ?? `Stack ${s.stackName} is ${stack.status}.`);

  const view = await progress.step(`Make change set ${changeSetName} (deleted afterwards)`, async () => {
    try {
      return await readyChangeSet(s, changeSetName, 'UPDATE', signal);
    } finally {
      await s.stacks.deleteChangeSet(s.stackName, changeSetName);
    }
  });
  if (!view) throw new RefusedError('The result of the earlier attempt was lost; run the command again.');
  if (isNoChanges(view)) {
    await progress.finish('succeeded', `No changes: ${s.stackName} already matches the template.`);
    return;
  }
  if (view.status !== 'CREATE_COMPLETE') throw failedChangeSet(s, view);
  const updated = stack.lastUpdatedAt ?? stack.createdAt;
  const summary = summarizeChanges(view.changes);
  await progress.finish('succeeded', `${s.stackName}: ${summary}.`, renderStackChanges({
    title: `Stack diff: ${where}`,
    intro: [`${summary}, against the live stack (${stack.status}, last changed ${updated.toISOString().slice(0, 16).replace('T', ' ')} UTC).`],
    changes: view.changes,
    outro: ['The change set was deleted: nothing was changed. `/dev stack update` applies these changes.'],
  }));
}
