import type { AlertRule } from '../rule.js';

/** Fewer candidates than expected: a failover has fewer places to go. */
export const databaseFewCandidates: AlertRule = {
  name: 'database-few-candidates',
  severity: 'warning',
  forMs: 30_000,
  kind: 'condition',
  appliesTo: (config) => Object.keys(config.databases).length > 0,
  evaluate(s) {
    return Object.entries(s.databases).flatMap(([name, d]) => {
      const expected = s.config.databases[name]?.candidates ?? 0;
      const live = d.view?.candidates ?? [];
      if (!d.view || live.length >= expected || live.length === 0) return [];
      return [{
        subject: name,
        summary: `${name} in ${s.environment} has ${live.length} of ${expected} candidates`,
        details: [`live: ${live.map((c) => c.name).join(', ')}`],
        advice: `Check the machines that should run ${name}'s other candidates.`,
      }];
    });
  },
};
