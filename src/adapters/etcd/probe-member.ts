import { GRPCDeadlineExceededError } from 'etcd3';
import type { Etcd3 } from 'etcd3';

/** A member as another member's member list describes it. */
export interface ListedMember {
  id: string;
  name: string;
  clientUrls: string[];
  /** A raft learner: added, not voting. One that has not started yet has no name and no client URL. */
  isLearner?: boolean;
}

/** What one endpoint said, call by call; missing parts did not answer. */
export interface MemberProbe {
  endpoint: string;
  status?: { id: string; leaderId: string; raftTerm: number; raftIndex: number; dbSizeBytes: number; errors: string[] };
  members?: ListedMember[];
  /** A linearizable read through this endpoint answered before the deadline. */
  readOk: boolean;
  errors: string[];
}

/** etcd ids arrive as decimal strings of uint64; etcdctl and logs show them in hex. '0' means none. */
export const toHexId = (id: string | undefined): string => (id && id !== '0' ? BigInt(id).toString(16) : '');

/** A linearizable read given up because the verdict no longer depends on it. */
export class ReadNotNeeded extends Error {
  constructor() {
    super('not awaited: too few members answer for a quorum, whatever this read says');
  }
}

/** Short, stable wording for a failed call: gRPC messages run long and vary between versions. */
export function describeError(e: unknown, timeoutMs: number): string {
  if (e instanceof ReadNotNeeded) return e.message;
  if (e instanceof GRPCDeadlineExceededError) return `no answer within ${timeoutMs} ms`;
  const message = e instanceof Error ? e.message : String(e);
  const refused = /connect (E[A-Z]+)/.exec(message);
  if (refused) return `cannot connect (${refused[1]})`;
  // A member killed mid-call: gRPC says "Connection dropped", or the socket reports the reset itself.
  if (/Connection dropped|\bECONNRESET\b|socket hang up/i.test(message)) return 'connection dropped';
  const text = message.replace(/^\d+ [A-Z_]+: /, '').replace(/\s*Resolution note:.*$/s, '');
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** One line per failure; when every call failed the same way, that is the member's one problem. */
function summarise(failures: Array<[call: string, message: string]>): string[] {
  const first = failures[0];
  if (failures.length === 3 && first && failures.every(([, m]) => m === first[1])) return [first[1]];
  // A member that went down as it was asked: one call saw its connection drop, the others were
  // refused. Refused is what it is now, and that is its one problem.
  const refused = failures.find(([, m]) => m.startsWith('cannot connect'));
  if (failures.length === 3 && refused && failures.every(([, m]) => m === refused[1] || m === 'connection dropped')) return [refused[1]];
  return failures.map(([call, m]) => `${call}: ${m}`);
}

export interface ProbeHooks {
  /** Told once whether this endpoint answered its status call. */
  onStatus?(answered: boolean): void;
  /** Once it resolves, a read still pending is given up (as ReadNotNeeded) rather than waited for. */
  readNotNeeded?: Promise<void>;
}

/**
 * Asks one endpoint, through `client` (bound to that endpoint alone), for its status, its member
 * list and a linearizable read, all in parallel, each with a gRPC deadline of `timeoutMs` from
 * `startedAt`. Never throws.
 */
export async function probeMember(client: Etcd3, endpoint: string, timeoutMs: number, startedAt = Date.now(), hooks: ProbeHooks = {}): Promise<MemberProbe> {
  const opts = { deadline: startedAt + timeoutMs };
  const statusCall = client.maintenance.status(opts);
  statusCall.then(() => hooks.onStatus?.(true), () => hooks.onStatus?.(false));
  // The key is irrelevant; a linearizable range needs the leader to confirm it still leads.
  const readCall = client.kv.range({ key: Buffer.from('health'), keys_only: true, limit: 1 }, opts);
  // It may fail before the status settles, when nothing awaits it yet: that is not unhandled.
  readCall.catch(() => undefined);
  const notNeeded = hooks.readNotNeeded?.then((): never => { throw new ReadNotNeeded(); });
  // Handled here too: a member whose status failed never races its read against it.
  notNeeded?.catch(() => undefined);
  const [status, list, read] = await Promise.allSettled([
    statusCall,
    client.cluster.memberList({}, opts),
    // Only a member that answered its status has its read cut short: a member that did not says
    // why in its own words (refused, no answer), which the status report shows.
    notNeeded ? statusCall.then(() => Promise.race([readCall, notNeeded]), () => readCall) : readCall,
  ]);
  const failures: Array<[string, string]> = [];
  const probe: MemberProbe = { endpoint, readOk: read.status === 'fulfilled', errors: [] };
  if (status.status === 'fulfilled') {
    const s = status.value;
    probe.status = {
      id: toHexId(s.header.member_id), leaderId: toHexId(s.leader), raftTerm: Number(s.raftTerm),
      raftIndex: Number(s.raftIndex), dbSizeBytes: Number(s.dbSize), errors: s.errors,
    };
  } else failures.push(['status', describeError(status.reason, timeoutMs)]);
  if (list.status === 'fulfilled') {
    probe.members = list.value.members.map((m) => ({ id: toHexId(m.ID), name: m.name, clientUrls: m.clientURLs, isLearner: m.isLearner }));
  } else failures.push(['member list', describeError(list.reason, timeoutMs)]);
  if (read.status === 'rejected') failures.push(['linearizable read', describeError(read.reason, timeoutMs)]);
  probe.errors = summarise(failures);
  return probe;
}
