import type { Etcd3 } from 'etcd3';
import type { Logger } from '../../log.js';
import type { Cluster, ClusterHealth } from '../../ports/cluster.js';
import { assembleHealth } from './assemble-health.js';
import { createProbeClient } from './probe-client.js';
import { probeMember, type MemberProbe, type ProbeHooks } from './probe-member.js';
import { watchMemberStreams } from './member-streams.js';

export interface EtcdClusterOptions {
  endpoints: string[];
  /** gRPC deadline of each probe call; a linearizable read slower than this counts as no quorum. */
  probeTimeoutMs: number;
  log: Logger;
  /** Overall bound on health() when the caller gives none. */
  defaultDeadlineMs?: number;
}

/** Resolves to `fallback()` if `promise` has not settled by `at` (epoch ms). */
function settleBy<T>(promise: Promise<T>, at: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback()), Math.max(0, at - Date.now()));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Probe hooks that give up every pending read once fewer than a majority of `count` endpoints can answer. */
function readsWorthWaitingFor(count: number): ProbeHooks {
  const majority = Math.floor(count / 2) + 1;
  let silent = 0;
  let giveUp = () => {};
  const readNotNeeded = new Promise<void>((resolve) => (giveUp = resolve));
  return { readNotNeeded, onStatus: (answered) => void (!answered && ++silent > count - majority && giveUp()) };
}

/**
 * The Cluster port on etcd v3: one long-lived single-host client per endpoint, created on first
 * use, so a probe pays for connections once rather than every time.
 */
export function createEtcdCluster(opts: EtcdClusterOptions): Cluster {
  const { endpoints, probeTimeoutMs, log } = opts;
  const clients = new Map<string, Etcd3>();
  const clientFor = (endpoint: string): Etcd3 => {
    let client = clients.get(endpoint);
    if (!client) clients.set(endpoint, (client = createProbeClient(endpoint)));
    return client;
  };

  return {
    async health(call = {}): Promise<ClusterHealth> {
      const startedAt = Date.now();
      const deadlineMs = call.deadlineMs ?? opts.defaultDeadlineMs ?? 1500;
      const callTimeoutMs = Math.min(probeTimeoutMs, deadlineMs);
      // Once too few members answer for a majority, judgeQuorum finds no quorum whatever a
      // linearizable read says: the reads still pending are not waited for. A killed member
      // refuses at once, so losing quorum is then known in milliseconds, not at the read deadline.
      const hooks = readsWorthWaitingFor(endpoints.length);
      // gRPC honours its deadline; the race is a backstop so health() resolves whatever a client does.
      const probes = await Promise.all(endpoints.map((endpoint) =>
        settleBy(probeMember(clientFor(endpoint), endpoint, callTimeoutMs, startedAt, hooks), startedAt + deadlineMs, (): MemberProbe => (
          { endpoint, readOk: false, errors: [`no answer within ${deadlineMs} ms`] }
        ))));
      const { members, hasQuorum, quorumReason, leader } = assembleHealth(probes);
      const tookMs = Date.now() - startedAt;
      log.debug({ hasQuorum, leader, tookMs, down: members.filter((m) => !m.reachable).map((m) => m.name) }, 'etcd probed');
      return { members, hasQuorum, quorumReason, ...(leader ? { leader } : {}), checkedAt: new Date(startedAt), tookMs };
    },
    watchMembers: (onChange) => watchMemberStreams(endpoints, onChange, log),
    async close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
