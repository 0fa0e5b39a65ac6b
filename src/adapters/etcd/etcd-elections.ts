import type { Watcher } from 'etcd3';
import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ElectionView, Elections } from '../../ports/elections.js';
import { orderCandidates } from './parse-candidate.js';
import { createMemberClients, rangeEnd } from './member-clients.js';

export interface EtcdElectionsOptions {
  endpoints: string[];
  /** Deadline of each call to one member; the next member is tried after it. */
  callTimeoutMs: number;
  log: Logger;
}

/** Even a healthy watch stream can stall silently; re-reading this often bounds the damage. */
const REREAD_MS = 250;

/**
 * Elections over etcd with one fault-handling-free client per member: each call goes to one member
 * with a deadline, then the next, so one dead member costs one deadline, never the etcd3 client's
 * 10–20 s of hidden retries.
 */
export function createEtcdElections(opts: EtcdElectionsOptions): Elections {
  const members = createMemberClients(opts.endpoints, opts.callTimeoutMs);
  const onAnyMember = members.onAnyMember.bind(members);

  const read = (prefix: string): Promise<ElectionView> =>
    onAnyMember(`reading the election ${prefix}`, async (client, deadline) => {
      const key = Buffer.from(`${prefix}/`);
      const res = await client.kv.range({ key, range_end: rangeEnd(key) }, { deadline });
      const candidates = orderCandidates(
        res.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString(), createRevision: Number(kv.create_revision), lease: String(kv.lease) })),
      );
      return { prefix, candidates, leader: candidates[0], revision: Number(res.header.revision) };
    });

  return {
    read,

    async revokeLease(leaseId) {
      await onAnyMember(`revoking lease ${leaseId}`, (client, deadline) => client.leaseClient.leaseRevoke({ ID: leaseId }, { deadline }));
    },

    async waitForLeaderChange(prefix, oldKey, { timeoutMs, signal }) {
      const giveUpAt = Date.now() + timeoutMs;
      let wake: (() => void) | undefined;
      let watcher: Watcher | undefined;
      let done = false;
      // The watch only says "something changed": each time, the whole election is re-read, because
      // etcd3's own ElectionObserver can name the wrong leader when candidates join quickly.
      members.preferred().watch().prefix(`${prefix}/`).create().then(
        (w) => {
          if (done) return void w.cancel().catch(() => undefined);
          watcher = w;
          w.on('data', () => wake?.());
          w.on('error', () => undefined);
        },
        (err: unknown) => opts.log.debug({ err }, 'election watch unavailable; re-reading on a timer'),
      );
      try {
        for (;;) {
          signal?.throwIfAborted();
          const view = await read(prefix).catch((e: unknown) => (Date.now() < giveUpAt ? undefined : Promise.reject(e)));
          if (view?.leader && view.leader.key !== oldKey) return view;
          const left = giveUpAt - Date.now();
          if (left <= 0) {
            const now = view?.leader ? `${view.leader.name} still leads` : 'no candidate leads';
            throw new UpstreamError(`No new leader appeared under ${prefix} within ${Math.round(timeoutMs / 1000)} s (${now}).`, { service: 'etcd', retryable: false });
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(REREAD_MS, left));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      } finally {
        done = true;
        await watcher?.cancel().catch(() => undefined);
      }
    },

    async close() {
      await members.close();
    },
  };
}
