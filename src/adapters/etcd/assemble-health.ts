import type { EtcdMemberHealth } from '../../ports/cluster.js';
import { judgeQuorum, type QuorumVerdict } from './judge-quorum.js';
import type { ListedMember, MemberProbe } from './probe-member.js';
import { toHexId } from './probe-member.js';

/** Status errors carry the cluster's alarms as protobuf text: `memberID:123 alarm:NOSPACE `. */
const ALARM = /memberID:(\d+)\s+alarm:([A-Z_]+)/;

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

function listedMembers(probes: readonly MemberProbe[]): ListedMember[] {
  const byId = new Map<string, ListedMember>();
  for (const p of probes) for (const m of p.members ?? []) if (!byId.has(m.id) || m.name) byId.set(m.id, m);
  return [...byId.values()];
}

/** Every alarm any member reported, as hex member id → alarm names. */
function alarmsById(probes: readonly MemberProbe[]): Map<string, Set<string>> {
  const alarms = new Map<string, Set<string>>();
  for (const line of probes.flatMap((p) => p.status?.errors ?? [])) {
    const match = ALARM.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const id = toHexId(match[1]);
    alarms.set(id, (alarms.get(id) ?? new Set()).add(match[2]));
  }
  return alarms;
}

/**
 * Turns raw per-endpoint probes into the port's report: names a member that did not answer from
 * the member lists of those that did (matching its client URL), attributes alarms by member id, and
 * judges quorum. Pure.
 */
export function assembleHealth(probes: readonly MemberProbe[]): { members: EtcdMemberHealth[] } & QuorumVerdict {
  const listed = listedMembers(probes);
  const alarms = alarmsById(probes);
  const learnerNotStarted = listed.some((m) => m.isLearner && !m.name);
  const members = probes.map((p): EtcdMemberHealth & { readOk: boolean } => {
    const known = p.status
      ? listed.find((m) => m.id === p.status?.id)
      : listed.find((m) => m.clientUrls.some((u) => sameUrl(u, p.endpoint)));
    const id = p.status?.id ?? known?.id ?? '';
    const statusErrors = (p.status?.errors ?? []).filter((e) => !ALARM.test(e));
    return {
      name: known?.name || p.endpoint,
      id,
      clientUrl: p.endpoint,
      reachable: p.status !== undefined,
      isLeader: p.status !== undefined && id !== '' && p.status.leaderId === id,
      leaderId: p.status?.leaderId ?? '',
      raftTerm: p.status?.raftTerm ?? 0,
      raftIndex: p.status?.raftIndex ?? 0,
      dbSizeBytes: p.status?.dbSizeBytes ?? 0,
      errors: [...statusErrors, ...p.errors],
      alarms: [...(alarms.get(id) ?? [])].sort(),
      readOk: p.readOk,
      ...(!p.status && !known && learnerNotStarted ? { joining: true } : {}),
    };
  });
  const verdict = judgeQuorum(members, listed.length);
  return { members: members.map(({ readOk: _readOk, ...m }) => m), ...verdict };
}
