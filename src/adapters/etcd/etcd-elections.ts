import { EtcdLeaseInvalidError, type Watcher } from 'etcd3';
import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ElectionFence, ElectionView, Elections } from '../../ports/elections.js';
import { FencedError } from '../../ports/locks.js';
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

/** Fence values are zero-padded tokens, so that etcd's byte-wise Less compares them as numbers. */
const fenceValue = (token: number) => Buffer.from(String(token).padStart(20, '0'));
const tokenOf = (value: Buffer | undefined) => (value?.length ? Number(value.toString()) : undefined);

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

    async claimFence(fence: ElectionFence) {
      const key = Buffer.from(fence.key);
      const mine = fenceValue(fence.token);
      // Compare-and-set until it holds: a missing key fails every Value comparison, so it is
      // created under "does not exist yet" instead. Each attempt is safe to repeat on another member.
      for (let attempt = 0; attempt < 5; attempt++) {
        const raised = await onAnyMember(`claiming the fence ${fence.key}`, (client, deadline) =>
          client.kv.txn({ compare: [{ key, target: 'Value', result: 'Less', value: mine }], success: [{ request_put: { key, value: mine } }], failure: [{ request_range: { key } }] }, { deadline }),
        );
        if (raised.succeeded) return;
        const held = tokenOf(raised.responses[0]?.response_range.kvs[0]?.value);
        if (held === fence.token) return;
        if (held !== undefined && held > fence.token) {
          throw new FencedError(`A newer run (fencing token ${held}) took over ${fence.key}; this run's token is ${fence.token}. Nothing was changed.`);
        }
        const created = await onAnyMember(`creating the fence ${fence.key}`, (client, deadline) =>
          client.kv.txn({ compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }], success: [{ request_put: { key, value: mine } }], failure: [] }, { deadline }),
        );
        if (created.succeeded) return;
      }
      throw new UpstreamError(`Could not claim the fence ${fence.key} in etcd: it kept changing under this run.`, { service: 'etcd' });
    },

    async removeCandidate(candidate, fence) {
      const fenceKey = Buffer.from(fence.key);
      // The check and the change in one transaction: a run that lost the fence, even one frozen
      // right between deciding and acting, changes nothing. Repeating it is harmless.
      const removed = await onAnyMember(`removing ${candidate.key} from the election`, (client, deadline) =>
        client.kv.txn({
          compare: [{ key: fenceKey, target: 'Value', result: 'Equal', value: fenceValue(fence.token) }],
          success: [{ request_delete_range: { key: Buffer.from(candidate.key) } }],
          failure: [{ request_range: { key: fenceKey } }],
        }, { deadline }),
      );
      if (!removed.succeeded) {
        const held = tokenOf(removed.responses[0]?.response_range.kvs[0]?.value);
        throw new FencedError(`${fence.key} holds fencing token ${held ?? '(none)'}, not this run's ${fence.token}: another run took over, so ${candidate.key} was left alone.`);
      }
      // Its key is gone (and with it its place); ending its session makes an `etcdctl elect` exit.
      await onAnyMember(`revoking lease ${candidate.leaseId}`, (client, deadline) =>
        client.leaseClient.leaseRevoke({ ID: candidate.leaseId }, { deadline }).then(() => undefined, (e: unknown) => {
          if (!(e instanceof EtcdLeaseInvalidError)) throw e;
        }),
      );
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
