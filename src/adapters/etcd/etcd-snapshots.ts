import type { Etcd3 } from 'etcd3';
import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { RevisionCompactedError, type EtcdSnapshots, type StreamingSnapshot } from '../../ports/etcd-snapshots.js';
import { countKeys } from './count-keys.js';
import { createMemberClients } from './member-clients.js';
import { describeError, toHexId } from './probe-member.js';
import { createProbeClient } from './probe-client.js';
import { snapshotBytes, type GrpcStream } from './snapshot-stream.js';

export interface EtcdSnapshotsOptions {
  endpoints: string[];
  /** Deadline of each status call while choosing a member. */
  probeTimeoutMs: number;
  log: Logger;
  /** A stream that sends nothing for this long is broken off (a member that hung mid-snapshot). */
  idleTimeoutMs?: number;
}

/** The revision must hold still across the snapshot's start; on a busy cluster it gets this many tries. */
const ATTEMPTS = 5;
const STREAM_WINDOW_BYTES = 16 * 2 ** 20;

interface Candidate {
  endpoint: string;
  client: Etcd3;
  id: string;
  role: 'follower' | 'leader';
  raftIndex: number;
}

/**
 * Snapshots over etcd's Maintenance.Snapshot stream, from a follower when one is healthy (the
 * most caught-up one), else the leader. The revision is the member's own, read just before and
 * just after the snapshot started (the first bytes arrived, so the member has fixed its view): when
 * they differ a write landed in between and the snapshot is started again.
 */
export function createEtcdSnapshots(opts: EtcdSnapshotsOptions): EtcdSnapshots {
  // grpc-js's default HTTP/2 window (64 KiB) paces a 100 MB stream at about half etcdctl's speed.
  const clients = opts.endpoints.map((endpoint) => ({ endpoint, client: createProbeClient(endpoint, { 'grpc-node.flow_control_window': STREAM_WINDOW_BYTES }) }));
  const reader = createMemberClients(opts.endpoints, Math.max(opts.probeTimeoutMs, 5_000));
  const idleMs = opts.idleTimeoutMs ?? 30_000;
  const statusOf = (client: Etcd3) => client.maintenance.status({ deadline: Date.now() + opts.probeTimeoutMs });

  async function candidates(): Promise<{ healthy: Candidate[]; problems: string[] }> {
    const problems: string[] = [];
    const probed = await Promise.all(
      clients.map(async ({ endpoint, client }) => {
        try {
          const s = await statusOf(client);
          const id = toHexId(s.header.member_id);
          const leader = toHexId(s.leader);
          if (!leader) return void problems.push(`${endpoint}: no leader`);
          if (s.errors.length) return void problems.push(`${endpoint}: ${s.errors.join(', ')}`);
          return { endpoint, client, id, role: id === leader ? 'leader' : 'follower', raftIndex: Number(s.raftIndex) } satisfies Candidate;
        } catch (e) {
          problems.push(`${endpoint}: ${describeError(e, opts.probeTimeoutMs)}`);
          return undefined;
        }
      }),
    );
    const healthy = probed.filter((c): c is Candidate => c !== undefined);
    healthy.sort((a, b) => (a.role === b.role ? b.raftIndex - a.raftIndex : a.role === 'follower' ? -1 : 1));
    return { healthy, problems };
  }

  async function nameOf(c: Candidate): Promise<string> {
    const list = await c.client.cluster.memberList({}, { deadline: Date.now() + opts.probeTimeoutMs }).catch(() => undefined);
    return list?.members.find((m) => toHexId(m.ID) === c.id)?.name || c.endpoint;
  }

  /** One try on one member: the stream with its first chunk in, and the revision if it held still. */
  async function startOn(c: Candidate, member: string, signal?: AbortSignal): Promise<{ snapshot?: StreamingSnapshot; moved?: string }> {
    const before = Number((await statusOf(c.client)).header.revision);
    const grpc = (await c.client.maintenance.snapshot()) as unknown as GrpcStream;
    const { stream, first } = snapshotBytes(grpc, member, idleMs);
    try {
      await first;
    } catch (e) {
      stream.destroy();
      throw e;
    }
    const after = Number((await statusOf(c.client).catch(() => ({ header: { revision: '-1' } }))).header.revision);
    if (after !== before) {
      stream.destroy();
      return { moved: `${before} → ${after}` };
    }
    signal?.addEventListener('abort', () => stream.destroy(new UpstreamError('The snapshot was stopped (the job was cancelled).', { service: 'etcd' })), { once: true });
    return { snapshot: { member, role: c.role, revision: before, stream } };
  }

  return {
    async take(takeOpts = {}) {
      const moves: string[] = [];
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        takeOpts.signal?.throwIfAborted();
        const { healthy, problems } = await candidates();
        const chosen = healthy[0];
        if (!chosen) throw new UpstreamError(`No healthy etcd member to take a snapshot from (${problems.join('; ') || 'no endpoints'}).`, { service: 'etcd' });
        const member = await nameOf(chosen);
        const started = await startOn(chosen, member, takeOpts.signal).catch((e: unknown) => {
          throw e instanceof UpstreamError ? e : new UpstreamError(`etcd member ${member} did not start a snapshot: ${describeError(e, opts.probeTimeoutMs)}.`, { service: 'etcd', cause: e });
        });
        if (started.snapshot) return started.snapshot;
        moves.push(started.moved ?? '?');
        opts.log.info({ member, attempt, moved: started.moved }, 'the revision moved while the snapshot started; starting again');
      }
      throw new UpstreamError(`etcd's revision kept moving while the snapshot started (${moves.join(', ')}), ${ATTEMPTS} times: too many writes to pin the revision; try again.`, { service: 'etcd' });
    },
    async countKeysAt(revision, countOpts = {}) {
      try {
        return await countKeys((what, fn) => reader.onAnyMember(what, fn), revision, countOpts.signal);
      } catch (e) {
        if (/required revision has been compacted/.test((e as Error).message)) throw new RevisionCompactedError(revision, e);
        throw e;
      }
    },
    async close() {
      await Promise.allSettled([...clients.map(({ client }) => Promise.resolve(client.close())), reader.close()]);
    },
  };
}
