import type { AlertRule } from '../rule.js';

/** Applications behind the ambassador have no database while nobody leads. */
export const databaseNoLeader: AlertRule = {
  name: 'database-no-leader',
  severity: 'critical',
  forMs: 5000,
  kind: 'condition',
  appliesTo: (config) => Object.keys(config.databases).length > 0,
  evaluate(s) {
    return Object.entries(s.databases)
      .filter(([, d]) => d.view && !d.view.leader)
      .map(([name]) => ({
        subject: name,
        summary: `${name} in ${s.environment} has no leader`,
        details: [`no candidate under ${s.config.databases[name]?.electionPrefix}/`],
        advice: `Start ${name}'s candidates (expected ${s.config.databases[name]?.candidates}); the first to campaign becomes leader.`,
      }));
  },
};
