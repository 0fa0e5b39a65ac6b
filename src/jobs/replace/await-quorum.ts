import type { Cluster } from '../../ports/cluster.js';
import { inWords, pollUntil, type PollOptions } from './poll-until.js';

/**
 * Waits until etcd has quorum again after the main node went: when it was the leader, the others
 * hold an election first, and a membership change needs a leader.
 */
export async function awaitQuorum(cluster: Cluster, member: string, o: Omit<PollOptions, 'timedOut'>): Promise<void> {
  await pollUntil(async () => {
    const health = await cluster.health();
    return health.hasQuorum ? { done: undefined } : { waiting: `etcd has no quorum yet (${health.quorumReason})` };
  }, {
    ...o,
    timedOut: (last) => `etcd did not regain quorum within ${inWords(o.timeoutMs)} after ${member}'s machine was terminated (${last}). Check \`/dev etcd members\` and \`/dev status\`; once etcd has quorum, finish with \`/dev etcd replace ${member} --peer-url <new machine's peer URL>\`.`,
  });
}
