import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { issuesOf } from './config-issues.js';

const withAlerts = (alerts: string) => `environments:\n  prod:\n    etcd:\n      endpoints: [http://a:2379]\nalerts: ${alerts}\n`;

describe('alerts.rules.<rule>.remediate and alerts.remediation', () => {
  it('is off unless a rule asks; maxPerHour defaults to 2 per environment', () => {
    const alerts = loadConfig({ documents: [withAlerts('{}')] }).alerts;
    expect(Object.values(alerts.rules).some((r) => r.remediate)).toBe(false);
    expect(alerts.remediation).toEqual({ maxPerHour: 2, environments: {} });
  });

  it('takes an action with durations as people write them; grace defaults to 60 s and after to 5 min', () => {
    const alerts = loadConfig({
      documents: [withAlerts('{ rules: { machine-gone: { remediate: { action: replace } }, unit-not-running: { remediate: { action: restart, after: 30s, grace: 2s } } }, remediation: { environments: { prod: { maxPerHour: 1 } } } }')],
    }).alerts;
    expect(alerts.rules['machine-gone']?.remediate).toEqual({ action: 'replace', after: 300_000, grace: 60_000 });
    expect(alerts.rules['unit-not-running']?.remediate).toEqual({ action: 'restart', after: 30_000, grace: 2_000 });
    expect(alerts.remediation.environments['prod']).toEqual({ maxPerHour: 1 });
  });

  it('says what is wrong: an unknown action, an action that does not fit the rule, a bad duration, a bad cap', () => {
    expect(issuesOf(withAlerts('{ rules: { unit-not-running: { remediate: { action: reboot } } } }')).join('\n')).toMatch(/alerts\.rules\.unit-not-running\.remediate\.action: action must be one of: restart, replace, replace-member/);
    expect(issuesOf(withAlerts('{ rules: { unit-not-running: { remediate: { action: replace } } } }')).join('\n')).toMatch(
      /alerts\.rules\.unit-not-running\.remediate\.action: 'replace' does not fix unit-not-running \(it fixes machine-gone, group-below-desired\); for unit-not-running use restart/,
    );
    expect(issuesOf(withAlerts('{ rules: { etcd-quorum-lost: { remediate: { action: replace-member } } } }')).join('\n')).toMatch(/etcd-quorum-lost has no automatic action/);
    expect(issuesOf(withAlerts('{ rules: { unit-not-running: { remediate: { action: restart, after: soon } } } }')).join('\n')).toMatch(/remediate\.after: after is a duration such as 30s, 5m or 1h/);
    expect(issuesOf(withAlerts('{ remediation: { maxPerHour: 0 } }')).join('\n')).toMatch(/alerts\.remediation\.maxPerHour/);
  });
});
