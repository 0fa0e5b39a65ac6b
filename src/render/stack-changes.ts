import type { ChatMessage } from '../ports/chat.js';
import type { ResourceChange } from '../ports/stacks.js';
import { chunkLines } from './chunk-lines.js';
import { context, escapeMrkdwn, fitMessage, header, section } from './limits.js';

const SIGN: Record<ResourceChange['action'], string> = { Add: '+', Modify: '~', Remove: '-', Import: '>', Dynamic: '?' };

/** "~ WorkerGroup  AWS::AutoScaling::AutoScalingGroup  Modify, may be replaced: LaunchTemplate, MaxSize" */
export function describeChange(c: ResourceChange): string {
  const replacement = c.replacement === 'True' ? ', REPLACED' : c.replacement === 'Conditional' ? ', may be replaced' : '';
  const what = c.properties.length ? `: ${c.properties.join(', ')}` : c.action === 'Modify' && c.scope.length ? `: ${c.scope.join(', ')}` : '';
  return `${SIGN[c.action]} ${c.logicalId}  ${c.resourceType}  ${c.action}${replacement}${what}`;
}

/** "4 changes: 1 to add, 2 to modify (1 replaced, 1 maybe), 1 to remove" */
export function summarizeChanges(changes: ResourceChange[]): string {
  if (changes.length === 0) return 'no changes';
  const count = (a: ResourceChange['action']) => changes.filter((c) => c.action === a).length;
  const modified = changes.filter((c) => c.action === 'Modify');
  const replaced = modified.filter((c) => c.replacement === 'True').length;
  const maybe = modified.filter((c) => c.replacement === 'Conditional').length;
  const notes = [replaced ? `${replaced} replaced` : '', maybe ? `${maybe} maybe replaced` : ''].filter(Boolean);
  const parts = [
    count('Add') ? `${count('Add')} to add` : '',
    modified.length ? `${modified.length} to modify${notes.length ? ` (${notes.join(', ')})` : ''}` : '',
    count('Remove') ? `${count('Remove')} to remove` : '',
    count('Import') ? `${count('Import')} to import` : '',
    count('Dynamic') ? `${count('Dynamic')} decided at run time` : '',
  ].filter(Boolean);
  return `${changes.length} change${changes.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** Replacements first: they are what can hurt (a replaced main node is an etcd member gone). */
function ordered(changes: ResourceChange[]): ResourceChange[] {
  const rank = (c: ResourceChange) => (c.replacement === 'True' ? 0 : c.replacement === 'Conditional' ? 1 : c.action === 'Remove' ? 2 : 3);
  return [...changes].sort((a, b) => rank(a) - rank(b) || a.logicalId.localeCompare(b.logicalId));
}

export interface StackChangesView {
  title: string;
  /** Lines above the list of changes. */
  intro: string[];
  changes: ResourceChange[];
  /** Lines under the list (what happens next). */
  outro?: string[];
}

/** A list of changes as Block Kit (code blocks, cut to Slack's limits) with the same text as fallback. */
export function renderStackChanges(view: StackChangesView): ChatMessage {
  const lines = ordered(view.changes).map(describeChange);
  const chunks = chunkLines(lines, 2800);
  const text = [view.title, ...view.intro, ...lines.map((l) => `  ${l}`), ...(view.outro ?? [])].join('\n');
  return fitMessage({
    text,
    blocks: [
      header(view.title),
      ...(view.intro.length ? [section(view.intro.map(escapeMrkdwn).join('\n'))] : []),
      ...chunks.map((c) => section('```' + escapeMrkdwn(c) + '```')),
      ...(view.outro?.length ? [context(view.outro.map(escapeMrkdwn).join('\n'))] : []),
    ],
  });
}
