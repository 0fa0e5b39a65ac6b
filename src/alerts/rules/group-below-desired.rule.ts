import type { AlertRule } from '../rule.js';

/** An autoscaling group with fewer healthy instances in service than it wants, or with unhealthy ones. */
export const groupBelowDesired: AlertRule = {
  name: 'group-below-desired',
  severity: 'warning',
  forMs: 60_000,
  kind: 'condition',
  appliesTo: (config) => config.aws !== undefined,
  evaluate(s) {
    return (s.groups ?? [])
      .filter((g) => g.inService < g.desired || g.unhealthy > 0)
      .map((g) => ({
        subject: g.logicalId ?? g.name,
        summary: `${g.logicalId ?? g.name} in ${s.environment}: ${g.inService} of ${g.desired} instances in service${g.unhealthy ? `, ${g.unhealthy} unhealthy` : ''}`,
        details: [`desired ${g.desired} (min ${g.min}, max ${g.max}); ${g.other} pending or leaving`],
        advice: 'See the group’s scaling activities in `/dev status`; a group that cannot launch usually lacks capacity or has a broken launch template.',
        // An unhealthy instance can be replaced; a group merely short of instances has nothing to replace.
        ...(g.unhealthyInstances?.[0] ? { command: { label: 'Replace machine', text: `replace ${g.unhealthyInstances[0]} --env ${s.environment}` } } : {}),
      }));
  },
};
