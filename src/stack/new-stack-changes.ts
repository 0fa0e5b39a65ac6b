import type { ResourceChange } from '../ports/stacks.js';
import type { CfnTemplate } from './template/template.js';

/**
 * What creating the stack would do: every resource of the template, added. This is exactly what
 * a CREATE change set lists, without making one (which would leave an empty stack in
 * REVIEW_IN_PROGRESS behind when the request is declined).
 */
export function changesOfNewStack(template: CfnTemplate): ResourceChange[] {
  return Object.entries(template.Resources).map(([logicalId, r]) => ({ action: 'Add', logicalId, resourceType: r.Type, scope: [], properties: [] }));
}
