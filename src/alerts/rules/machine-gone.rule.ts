import type { AlertRule } from '../rule.js';

/** A machine left fleet's machine list: fleet died on it, or the machine did (the silent failure the team had). */
export const machineGone: AlertRule = {
  name: 'machine-gone',
  severity: 'critical',
  forMs: 10_000,
  kind: 'condition',
  appliesTo: (config) => config.fleet !== undefined,
  evaluate(s) {
    if (!s.fleet) return [];
    const present = new Set(s.fleet.machines.map((m) => m.id));
    return Object.entries(s.knownMachines ?? {})
      .filter(([id]) => !present.has(id))
      .map(([id, m]) => ({
        subject: id.slice(0, 12),
        summary: `machine ${id.slice(0, 8)} (${m.ip}, ${Object.entries(m.metadata).map(([k, v]) => `${k}=${v}`).join(' ')}) left fleet in ${s.environment}`,
        details: [`last seen ${m.lastSeen.slice(11, 19)} UTC`, `${s.fleet!.machines.length} machine(s) remain`],
        advice: 'Check fleet on that machine (`systemctl status fleet`) and the machine itself; if it does not come back, Replace machine terminates its instance in its autoscaling group and waits for the new one and its units.',
        // Runs as the clicker typed it: confirmation, the machine@<env> lock, audit. By IP: fleet no
        // longer lists the machine, so its fleet id names nothing; its instance still has that IP.
        command: { label: 'Replace machine', text: `replace ${m.ip || id} --env ${s.environment}` },
      }));
  },
};
