/**
 * What CloudFormation's stack statuses mean for devbot: whether an operation is still running,
 * whether it ended well, and what a person must do when the stack cannot be changed.
 */

/** The stack exists only as the target of a change set nobody executed yet. */
export const REVIEW = 'REVIEW_IN_PROGRESS';

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== REVIEW;
}

/** Statuses an operation ends in (or gets stuck in); REVIEW_IN_PROGRESS counts as no stack yet. */
export function isTerminal(status: string): boolean {
  return !isInProgress(status);
}

export function isSuccess(status: string): boolean {
  return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE';
}

/** A failed create leaves a stack that can only be deleted. */
export function mustBeDeleted(status: string): boolean {
  return status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED' || status === 'DELETE_FAILED';
}

/**
 * Why a stack in `status` cannot be updated now, and what to do; undefined when it can. Used
 * before a change set is made and to explain CloudFormation's own refusal.
 */
export function whyNotUpdatable(stackName: string, status: string): string | undefined {
  if (isInProgress(status)) {
    return `Stack ${stackName} is busy (${status}): another operation is running. Wait for it to finish (\`/dev status\` shows the stack's status), then try again.`;
  }
  if (mustBeDeleted(status)) {
    return `Stack ${stackName} is in ${status}: its creation failed, and CloudFormation only allows deleting it now. Delete it (console, or \`aws cloudformation delete-stack --stack-name ${stackName}\`), then run \`/dev stack create\`.`;
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return `Stack ${stackName} is in UPDATE_ROLLBACK_FAILED: a rollback could not finish. Fix the resource named in the stack's events, then continue the rollback (console: Stack actions → Continue update rollback) before updating again.`;
  }
  if (status === 'DELETE_COMPLETE') return `Stack ${stackName} was deleted: run \`/dev stack create\`.`;
  return undefined;
}
