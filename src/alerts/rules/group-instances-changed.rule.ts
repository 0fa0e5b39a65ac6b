import type { AlertRule } from '../rule.js';

/** Instances launched or terminated: worth knowing, nothing to resolve. */
export const groupInstancesChanged: AlertRule = {
  name: 'group-instances-changed',
  severity: 'info',
  forMs: 0,
  kind: 'event',
  appliesTo: (config) => config.aws !== undefined,
  evaluate(now, previous) {
    if (!now.groups || !previous?.groups) return [];
    return now.groups.flatMap((g) => {
      const before = previous.groups!.find((p) => p.name === g.name);
      if (!before || before.inService === g.inService) return [];
      const verb = g.inService > before.inService ? 'launched' : 'terminated';
      return [{
        subject: `${g.logicalId ?? g.name}:${before.inService}->${g.inService}`,
        summary: `${g.logicalId ?? g.name} in ${now.environment}: instances ${verb}, ${before.inService} → ${g.inService} in service`,
        details: [`desired ${g.desired}`],
        advice: 'Nothing to do if this was a scaling decision; main nodes replaced by their group must rejoin etcd.',
      }];
    });
  },
};
