import type { ResourceChange as SdkResourceChange, Stack, StackEvent as SdkStackEvent } from '@aws-sdk/client-cloudformation';
import type { ChangeAction, ResourceChange, StackEvent, StackSummary } from '../../ports/stacks.js';

/** CloudFormation's shapes → the port's. Missing fields become empty values, never `undefined` strings. */

export function toStack(s: Stack): StackSummary {
  return {
    name: s.StackName ?? '',
    id: s.StackId ?? '',
    status: s.StackStatus ?? 'UNKNOWN',
    ...(s.StackStatusReason ? { statusReason: s.StackStatusReason } : {}),
    createdAt: s.CreationTime ?? new Date(0),
    ...(s.LastUpdatedTime ? { lastUpdatedAt: s.LastUpdatedTime } : {}),
    outputs: Object.fromEntries((s.Outputs ?? []).flatMap((o) => (o.OutputKey ? [[o.OutputKey, o.OutputValue ?? '']] : []))),
  };
}

export function toChange(c: SdkResourceChange): ResourceChange {
  const properties = (c.Details ?? []).flatMap((d) => (d.Target?.Name ? [d.Target.Name] : d.Target?.Attribute && d.Target.Attribute !== 'Properties' ? [d.Target.Attribute] : []));
  const replacement = c.Replacement === 'True' || c.Replacement === 'False' || c.Replacement === 'Conditional' ? c.Replacement : undefined;
  return {
    action: (c.Action ?? 'Modify') as ChangeAction,
    logicalId: c.LogicalResourceId ?? '?',
    resourceType: c.ResourceType ?? '?',
    ...(c.PhysicalResourceId ? { physicalId: c.PhysicalResourceId } : {}),
    ...(replacement ? { replacement } : {}),
    scope: c.Scope ?? [],
    properties: [...new Set(properties)],
  };
}

export function toEvent(e: SdkStackEvent): StackEvent {
  return {
    id: e.EventId ?? `${e.LogicalResourceId}-${e.ResourceStatus}-${e.Timestamp?.toISOString()}`,
    timestamp: e.Timestamp ?? new Date(0),
    logicalId: e.LogicalResourceId ?? '?',
    resourceType: e.ResourceType ?? '?',
    status: e.ResourceStatus ?? 'UNKNOWN',
    ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
  };
}
