import type { EtcdMemberHealth } from '../../ports/cluster.js';
import type { StatusLine, StatusPart } from '../../ports/status.js';
import { worstLevel } from '../levels.js';

function describeMember(m: EtcdMemberHealth): StatusLine {
  if (!m.reachable) {
    return { label: m.name, value: `DOWN (${m.clientUrl})${m.errors.length ? ` — ${m.errors[0]}` : ''}`, level: 'critical' };
  }
  const role = m.isLeader ? 'leader' : 'follower';
  const size = m.dbSizeBytes < 1024 * 1024 ? `${Math.round(m.dbSizeBytes / 1024)} KiB` : `${(m.dbSizeBytes / 1024 / 1024).toFixed(1)} MiB`;
  const problems = [...m.alarms.map((a) => `alarm ${a}`), ...m.errors];
  return {
    label: m.name,
    value: `${role}, term ${m.raftTerm}, index ${m.raftIndex}, db ${size} (${m.clientUrl})${problems.length ? ` — ${problems.join('; ')}` : ''}`,
    level: problems.length ? 'warn' : 'ok',
  };
}

/** etcd: each member, who leads, and whether the cluster has quorum. */
export const etcdPart: StatusPart = {
  name: 'etcd',
  async collect(ctx) {
    const health = await ctx.cluster.health({ deadlineMs: Math.min(1000, ctx.config.status.deadlineMs) });
    const lines = health.members.map(describeMember);
    const up = health.members.filter((m) => m.reachable).length;
    const quorumLine: StatusLine = {
      label: 'quorum',
      value: health.hasQuorum ? `ok — ${health.quorumReason}` : `LOST — ${health.quorumReason}`,
      level: health.hasQuorum ? 'ok' : 'critical',
    };
    return {
      title: 'etcd',
      level: worstLevel([quorumLine, ...lines]),
      summary: `${up}/${health.members.length} members up, leader ${health.leader ?? 'none'}, quorum ${health.hasQuorum ? 'ok' : 'LOST'}`,
      lines: [quorumLine, ...lines],
    };
  },
};
