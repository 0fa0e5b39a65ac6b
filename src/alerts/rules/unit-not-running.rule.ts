import type { AlertRule } from '../rule.js';

/** A unit fleet should run (desired launched) that systemd reports failed or inactive. */
export const unitNotRunning: AlertRule = {
  name: 'unit-not-running',
  severity: 'critical',
  forMs: 10_000,
  kind: 'condition',
  appliesTo: (config) => config.fleet !== undefined,
  evaluate(s) {
    if (!s.fleet) return [];
    const launched = s.fleet.units.filter((u) => u.desiredState === 'launched');
    return launched.flatMap((u) => {
      const states = s.fleet!.states.filter((st) => st.name === u.name);
      const bad = states.filter((st) => st.activeState === 'failed' || st.activeState === 'inactive');
      if (bad.length === 0) return [];
      return [{
        subject: u.name,
        summary: `${u.name} in ${s.environment} should run but is ${bad.map((b) => `${b.activeState} (${b.subState})`).join(', ')}`,
        details: bad.map((b) => `on machine ${b.machineId.slice(0, 8)}: ${b.activeState} (${b.subState})`),
        advice: `Look at its journal on that machine (\`journalctl -u ${u.name}\`); \`/dev units restart ${u.name}\` stops and starts it again, \`/dev rollback\` puts back the previous version.`,
        // Runs as the clicker typed it (ACL, audit); restart waits until the unit is active again.
        command: { label: 'Restart unit', text: `units restart ${u.name} --env ${s.environment}` },
      }];
    });
  },
};
