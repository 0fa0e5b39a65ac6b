import { describe, expect, it } from 'vitest';
import { advanceAlerts } from '../../../src/alerts/lifecycle.js';
import type { Snapshot } from '../../../src/alerts/rule.js';
import { etcdQuorumLost } from '../../../src/alerts/rules/etcd-quorum-lost.rule.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { EtcdMemberHealth } from '../../../src/ports/cluster.js';
import { renderAlert } from '../../../src/render/alert.js';

const config = loadConfig({ documents: ['environments:\n  prod:\n    etcd: { endpoints: [http://a:2379] }'] }).environments['prod']!;
const member = (name: string, reachable: boolean): EtcdMemberHealth => ({
  name, id: name, clientUrl: `http://${name}:2379`, reachable, isLeader: false, leaderId: '', raftTerm: 2, raftIndex: 10, dbSizeBytes: 1, errors: reachable ? [] : ['cannot connect (ECONNREFUSED)'], alarms: [],
});
const lost: Snapshot = {
  environment: 'prod', config, at: new Date(0), databases: {},
  etcd: { members: [member('e1', true), member('e2', false), member('e3', false)], hasQuorum: false, quorumReason: 'only 0 of 3 members agree', checkedAt: new Date(0), tookMs: 1 },
};

describe('the Recovery plan button on the etcd-quorum-lost alert', () => {
  it('the rule offers `/dev etcd recover` for its environment; the alert carries it to its message as a button and a line of text', () => {
    const [finding] = etcdQuorumLost.evaluate(lost);
    expect(finding?.command).toEqual({ label: 'Recovery plan', text: 'etcd recover --env prod' });
    const now = new Date('2026-11-20T10:00:00Z');
    const { changed } = advanceAlerts([], [{ rule: etcdQuorumLost, finding: finding!, environment: 'prod', forMs: 0, channels: ['ops'] }], now, 600_000);
    const state = changed[0]!.state;
    const message = renderAlert(state, now);
    const actions = message.blocks!.find((b) => b.type === 'actions') as unknown as { elements: Array<Record<string, unknown>> };
    expect(actions.elements.map((e) => [e['action_id'], e['value']])).toEqual([['devbot_status', 'status --env prod'], ['devbot_command', 'etcd recover --env prod'], ['devbot_silence', 'silence prod/etcd-quorum-lost/cluster 1h']]);
    expect(message.text).toContain('Recovery plan: /dev etcd recover --env prod');
    // Resolved, the message offers nothing more to do.
    const resolved = renderAlert({ ...state, status: 'resolved', resolvedAt: now.toISOString() }, now);
    expect(resolved.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect(resolved.text).not.toContain('Recovery plan');
  });
});
