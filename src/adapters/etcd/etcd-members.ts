import type { Etcd3, IMember } from 'etcd3';
import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { ClusterNotReadyError, LearnerNotReadyError, type EtcdMember, type Members, type MemberStatus, type MemberView } from '../../ports/members.js';
import { createMemberClients } from './member-clients.js';
import { createProbeClient } from './probe-client.js';
import { describeError, toHexId } from './probe-member.js';

export interface EtcdMembersOptions {
  /** The configured client URLs: where the member list and membership changes are asked. */
  endpoints: string[];
  /** Deadline of each call. */
  callTimeoutMs: number;
  log: Logger;
}

const toMember = (m: IMember): EtcdMember => ({ id: toHexId(m.ID), name: m.name, peerUrls: m.peerURLs, clientUrls: m.clientURLs, isLearner: Boolean(m.isLearner) });
/** etcd takes ids as uint64; etcd3 sends a decimal string. */
const wireId = (hex: string) => BigInt(`0x${hex}`).toString();
const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/** What etcd answered, when the failure was its answer (not a member that did not answer). */
function etcdSaid(e: unknown): string | undefined {
  if (!(e instanceof UpstreamError) || e.retryable) return undefined;
  const cause = e.cause instanceof Error ? e.cause.message : '';
  return `${cause} ${e.message}`;
}

/** etcd's strict reconfiguration check said no (it answers UNAVAILABLE, so every member was asked). */
const NOT_READY = /etcdserver: (unhealthy cluster|re-configuration failed due to not enough started members)/;

/** Runs a membership change, turning etcd's "not ready for a change" into ClusterNotReadyError. */
async function change<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof UpstreamError && NOT_READY.test(e.message)) throw new ClusterNotReadyError(what, e);
    throw e;
  }
}

const UNREACHABLE = (error: string): MemberStatus => ({ reachable: false, leaderId: '', raftTerm: 0, raftIndex: 0, dbSizeBytes: 0, version: '', error });

/**
 * The Members port on etcd's cluster and maintenance APIs. Membership calls go through the
 * configured endpoints (one fault-handling-free client each, a deadline on every call); status is
 * asked of every member at its own advertised client URL, so a member added since devbot's config
 * was written is seen too.
 */
export function createEtcdMembers(opts: EtcdMembersOptions): Members {
  const { callTimeoutMs, log } = opts;
  const clients = createMemberClients(opts.endpoints, callTimeoutMs);
  const statusClients = new Map<string, Etcd3>();
  const statusClientFor = (url: string): Etcd3 => {
    let client = statusClients.get(url);
    if (!client) statusClients.set(url, (client = createProbeClient(url)));
    return client;
  };

  const list = () => clients.onAnyMember('listing the etcd members', (c, deadline) => c.cluster.memberList({}, { deadline })).then((r) => r.members.map(toMember));

  async function statusOf(m: EtcdMember): Promise<MemberStatus> {
    const url = m.clientUrls[0];
    if (!url) return UNREACHABLE(m.name ? 'advertises no client URL' : 'added but never started');
    try {
      const s = await statusClientFor(url).maintenance.status({ deadline: Date.now() + callTimeoutMs });
      return {
        reachable: true, leaderId: toHexId(s.leader), raftTerm: Number(s.raftTerm), raftIndex: Number(s.raftIndex),
        dbSizeBytes: Number(s.dbSize), version: s.version,
      };
    } catch (e) {
      return UNREACHABLE(describeError(e, callTimeoutMs));
    }
  }

  return {
    list,
    async inspect() {
      const checkedAt = new Date();
      const listed = await list();
      const members: MemberView[] = await Promise.all(listed.map(async (m) => ({ ...m, ...(await statusOf(m)) })));
      const votes = new Map<string, number>();
      for (const m of members) if (m.reachable && m.leaderId) votes.set(m.leaderId, (votes.get(m.leaderId) ?? 0) + 1);
      const leaderId = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
      log.debug({ members: members.length, leaderId, down: members.filter((m) => !m.reachable).map((m) => m.name || m.id) }, 'etcd members inspected');
      return { members, leaderId, checkedAt };
    },
    async addLearner(peerUrl) {
      try {
        const what = `adding ${peerUrl} as a learner`;
        const r = await change(what, () => clients.onAnyMember(what, (c, deadline) => c.cluster.memberAdd({ peerURLs: [peerUrl], isLearner: true }, { deadline })));
        return { member: toMember(r.member), members: r.members.map(toMember), added: true };
      } catch (e) {
        // etcd derives a new member's id from its peer URLs and the time: a second add within the same second says "member ID already exist".
        if (!/Peer URLs already exists|member ID already exist/i.test(etcdSaid(e) ?? '')) throw e;
        const members = await list();
        const existing = members.find((m) => m.peerUrls.some((u) => sameUrl(u, peerUrl)));
        if (!existing) throw e;
        return { member: existing, members, added: false };
      }
    },
    async remove(id) {
      try {
        await change(`removing member ${id}`, () => clients.onAnyMember(`removing member ${id}`, (c, deadline) => c.cluster.memberRemove({ ID: wireId(id) }, { deadline })));
        return { removed: true };
      } catch (e) {
        if (/member not found/i.test(etcdSaid(e) ?? '')) return { removed: false };
        throw e;
      }
    },
    async promote(id) {
      try {
        await change(`promoting member ${id}`, () => clients.onAnyMember(`promoting member ${id}`, (c, deadline) => c.cluster.memberPromote({ ID: wireId(id) }, { deadline })));
        return { promoted: true };
      } catch (e) {
        const said = etcdSaid(e) ?? '';
        if (/learner member which is in sync with leader/i.test(said)) throw new LearnerNotReadyError(id, e);
        if (/can only promote a learner member/i.test(said)) return { promoted: false };
        throw e;
      }
    },
    async close() {
      await clients.close();
      for (const client of statusClients.values()) client.close();
      statusClients.clear();
    },
  };
}
