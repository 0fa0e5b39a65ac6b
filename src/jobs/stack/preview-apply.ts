import type { ChatMessage } from '../../ports/chat.js';
import { renderStackChanges, summarizeChanges } from '../../render/stack-changes.js';
import { changesOfNewStack } from '../../stack/new-stack-changes.js';
import { failedChangeSet, isNoChanges, readyChangeSet } from './change-sets.js';
import { changeSetTypeFor, type StackSetup } from './stack-setup.js';

const STREAM = "streams the stack's events into the job's thread";

/**
 * What `/dev stack create|update` will do, shown above Confirm / Cancel. For an update this is a
 * real change set against the live stack, kept under `changeSetName` so that exactly what was
 * shown is what runs; for a create, the template's resources (see changesOfNewStack).
 */
export async function previewApply(action: 'create' | 'update', s: StackSetup, changeSetName: string): Promise<ChatMessage> {
  const where = `${s.stackName} (${s.environment}${s.aws.region ? `, ${s.aws.region}` : ''})`;
  const type = changeSetTypeFor(action, s.stackName, await s.stacks.describeStack(s.stackName));
  if (type === 'CREATE') {
    const changes = changesOfNewStack(s.template);
    return renderStackChanges({
      title: `Create stack ${where}?`,
      intro: [`${summarizeChanges(changes)}: main ${s.aws.groups.main.size} nodes, workers ${s.aws.groups.worker.desired} (${s.aws.groups.worker.min}–${s.aws.groups.worker.max}), data ${s.aws.groups.data.size}.`],
      changes,
      outro: [`After Confirm, devbot makes a change set of these, executes it and ${STREAM}. CloudFormation cannot cancel a creation.`],
    });
  }
  const view = await readyChangeSet(s, changeSetName, 'UPDATE');
  if (isNoChanges(view)) {
    await s.stacks.deleteChangeSet(s.stackName, changeSetName);
    return { text: `No changes: ${s.stackName} already matches the template. Confirming ends at once, changing nothing.` };
  }
  if (view.status !== 'CREATE_COMPLETE') {
    await s.stacks.deleteChangeSet(s.stackName, changeSetName).catch(() => undefined);
    throw failedChangeSet(s, view);
  }
  const replaced = view.changes.filter((c) => c.replacement === 'True' || c.replacement === 'Conditional');
  return renderStackChanges({
    title: `Update stack ${where}?`,
    intro: [
      `${summarizeChanges(view.changes)}.`,
      ...(replaced.length ? [`Replacement (resources made anew, their old ones deleted): ${replaced.map((c) => c.logicalId).join(', ')}.`] : []),
    ],
    changes: view.changes,
    outro: [`After Confirm, devbot executes change set ${changeSetName}, exactly these changes, and ${STREAM}; \`/dev cancel\` rolls the update back.`],
  });
}
