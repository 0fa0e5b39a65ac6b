import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/alerts/rule.js';
import { etcdMemberUnreachable } from '../../../src/alerts/rules/etcd-member-unreachable.rule.js';
import { groupBelowDesired } from '../../../src/alerts/rules/group-below-desired.rule.js';
import { machineGone } from '../../../src/alerts/rules/machine-gone.rule.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { EtcdMemberHealth } from '../../../src/ports/cluster.js';

const config = loadConfig({ documents: ['environments:\n  prod:\n    etcd: { endpoints: [http://a:2379] }'] }).environments['prod']!;
const member = (name: string, reachable: boolean): EtcdMemberHealth => ({
  name, id: name, clientUrl: `http://${name}:2379`, reachable, isLeader: false, leaderId: '', raftTerm: 2, raftIndex: 10, dbSizeBytes: 1, errors: reachable ? [] : ['cannot connect (ECONNREFUSED)'], alarms: [],
});
const base: Snapshot = {
  environment: 'prod', config, at: new Date('2026-12-01T10:00:00Z'), databases: {},
  etcd: { members: [member('e1', true), member('e2', true), member('e3', false)], hasQuorum: true, quorumReason: '2 of 3 agree', checkedAt: new Date(0), tookMs: 1 },
};

describe('the buttons that fix an alert', () => {
  it('machine-gone offers Replace machine by the IP it had (fleet no longer lists its id), in its environment', () => {
    const id = 'a204418b8a02f82bb7be5048732802d0';
    const s = { ...base, fleet: { units: [], states: [], machines: [] }, knownMachines: { [id]: { lastSeen: '2026-12-01T09:59:00Z', ip: '10.0.0.7', metadata: { role: 'worker' } } } };
    expect(machineGone.evaluate(s)[0]?.command).toEqual({ label: 'Replace machine', text: 'replace 10.0.0.7 --env prod' });
  });

  it('etcd-member-unreachable offers Replace member', () => {
    expect(etcdMemberUnreachable.evaluate(base)[0]?.command).toEqual({ label: 'Replace member', text: 'etcd replace e3 --env prod' });
  });

  it('group-below-desired offers Replace machine for an unhealthy instance, and nothing for a group merely short of instances', () => {
    const group = { name: 'g', logicalId: 'WorkerGroup', desired: 3, min: 3, max: 3, inService: 2, unhealthy: 1, other: 0, unhealthyInstances: ['i-0abc'] };
    expect(groupBelowDesired.evaluate({ ...base, groups: [group] })[0]?.command).toEqual({ label: 'Replace machine', text: 'replace i-0abc --env prod' });
    const short = { name: 'g', logicalId: 'WorkerGroup', desired: 3, min: 3, max: 3, inService: 2, unhealthy: 0, other: 0 };
    const [finding] = groupBelowDesired.evaluate({ ...base, groups: [short] });
    expect(finding).toBeDefined();
    expect(finding?.command).toBeUndefined();
  });
});
