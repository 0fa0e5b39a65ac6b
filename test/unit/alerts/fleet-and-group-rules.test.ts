import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/alerts/rule.js';
import { groupBelowDesired } from '../../../src/alerts/rules/group-below-desired.rule.js';
import { groupInstancesChanged } from '../../../src/alerts/rules/group-instances-changed.rule.js';
import { machineGone } from '../../../src/alerts/rules/machine-gone.rule.js';
import { unitNotRunning } from '../../../src/alerts/rules/unit-not-running.rule.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { GroupView } from '../../../src/ports/groups.js';

const env = loadConfig({ documents: ['environments:\n  prod:\n    etcd: { endpoints: [http://a:2379] }\n    fleet: { url: http://fleet:49153 }'] }).environments['prod']!;
const base = (over: Partial<Snapshot>): Snapshot => ({
  environment: 'prod', config: env, at: new Date('2026-11-22T03:00:00Z'), databases: {},
  etcd: { members: [], hasQuorum: true, quorumReason: 'ok', checkedAt: new Date(0), tookMs: 1 }, ...over,
});
const machine = (id: string) => ({ id, ip: `10.0.0.${id.length}`, metadata: { role: 'worker' } });
const group = (over: Partial<GroupView>): GroupView => ({ name: 'devbot-prod-Worker', logicalId: 'WorkerGroup', desired: 3, min: 1, max: 6, inService: 3, unhealthy: 0, other: 0, ...over });

describe('fleet and autoscaling alert rules', () => {
  it('unit-not-running: a launched unit that systemd reports failed or inactive', () => {
    const s = base({
      fleet: {
        machines: [machine('m1')],
        units: [{ name: 'gerrit.service', options: [], desiredState: 'launched' }, { name: 'old.service', options: [], desiredState: 'inactive' }],
        states: [
          { name: 'gerrit.service', hash: 'h', machineId: 'm1aaaaaaaa', loadState: 'loaded', activeState: 'failed', subState: 'failed' },
          { name: 'old.service', hash: 'h', machineId: 'm1aaaaaaaa', loadState: 'loaded', activeState: 'inactive', subState: 'dead' },
        ],
      },
    });
    const found = unitNotRunning.evaluate(s);
    expect(found.map((f) => f.subject)).toEqual(['gerrit.service']);
    expect(found[0]!.summary).toBe('gerrit.service in prod should run but is failed (failed)');
    expect(found[0]!.command).toEqual({ label: 'Restart unit', text: 'units restart gerrit.service --env prod' });
  });

  it('machine-gone: a machine seen before that is no longer in fleet’s list', () => {
    const known = { m1: { lastSeen: '2026-11-22T02:59:50Z', ip: '10.0.0.2', metadata: { role: 'worker' } }, m2: { lastSeen: '2026-11-22T03:00:00Z', ip: '10.0.0.3', metadata: { role: 'main' } } };
    const s = base({ fleet: { machines: [machine('m2')], units: [], states: [] }, knownMachines: known });
    expect(machineGone.evaluate(s).map((f) => f.summary)).toEqual(['machine m1 (10.0.0.2, role=worker) left fleet in prod']);
    // fleet not answering is no evidence that machines left
    expect(machineGone.evaluate(base({ knownMachines: known }))).toEqual([]);
  });

  it('group-below-desired: fewer in service than desired, or unhealthy instances', () => {
    expect(groupBelowDesired.evaluate(base({ groups: [group({})] }))).toEqual([]);
    expect(groupBelowDesired.evaluate(base({ groups: [group({ inService: 2, other: 1 })] }))[0]!.summary).toBe('WorkerGroup in prod: 2 of 3 instances in service');
    expect(groupBelowDesired.evaluate(base({ groups: [group({ unhealthy: 1 })] }))[0]!.summary).toBe('WorkerGroup in prod: 3 of 3 instances in service, 1 unhealthy');
  });

  it('group-instances-changed: an event when instances are launched or terminated', () => {
    const before = base({ groups: [group({ inService: 2 })] });
    expect(groupInstancesChanged.evaluate(base({ groups: [group({ inService: 3 })] }), before)[0]!.summary).toBe('WorkerGroup in prod: instances launched, 2 → 3 in service');
    expect(groupInstancesChanged.evaluate(base({ groups: [group({ inService: 2 })] }), before)).toEqual([]);
  });
});
