import type { StackEvent } from '../ports/stacks.js';

/** "14:02:11 WorkerGroup (AWS::AutoScaling::AutoScalingGroup) UPDATE_IN_PROGRESS — reason": one line per transition. */
export function describeEvent(e: StackEvent): string {
  const time = e.timestamp.toISOString().slice(11, 19);
  return `${time} ${e.logicalId} (${e.resourceType}) ${e.status}${e.reason ? ` — ${e.reason}` : ''}`;
}

/**
 * The event that explains a failure: the first resource that failed for a reason of its own.
 * Resources that failed only because the operation was being cancelled or rolled back come last.
 */
export function firstFailure(events: StackEvent[]): StackEvent | undefined {
  const failed = events.filter((e) => e.status.endsWith('_FAILED') && e.resourceType !== 'AWS::CloudFormation::Stack');
  const consequence = (e: StackEvent) => /cancel|rollback|rolled back/i.test(e.reason ?? '');
  return failed.find((e) => !consequence(e)) ?? failed[0] ?? events.find((e) => e.status.endsWith('_FAILED'));
}

export function describeFailure(e: StackEvent | undefined): string {
  if (!e) return 'CloudFormation reported no failure reason; see the stack events.';
  const line = `First failure: ${e.logicalId} (${e.resourceType}) ${e.status}${e.reason ? `: ${e.reason}` : ''}`;
  return /[.!?]$/.test(line) ? line : `${line}.`;
}

/** "3 min 12 s", "48 s" */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
