/**
 * For the etcd repair tests: a 3-member etcd cluster of the test's own (membership changes never
 * touch the shared one), the whole bot over it (jobs-platform-bot.ts: signed slash commands and
 * clicks, a real worker on the shared Redis, the fake Slack Web API), and "new machines": etcd
 * processes started by hand the way a replacement node's etcd joins an existing cluster.
 */
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { ALICE, startBot, type Bot } from './jobs-platform-bot.js';

export { destroyMember, newMachine, startSettingsIn, waitHealthy, type NewMachine } from '../harness/etcd-machines.js';

export const REPAIR = { id: 'C0REPAIR', name: 'repair-ops' } as const;
export { ALICE };

export interface RepairRig {
  cluster: LocalCluster;
  bot: Bot;
  close(): Promise<void>;
}

/**
 * Environment `repair` on the test's own cluster, bound to #repair-ops; alice may run `etcd` there.
 * `repair-quick` is the same cluster with a 2 s learner timeout, for tests that wait for it to pass.
 * With `backups`, `repair` keeps etcd backups in a directory of the cluster's.
 */
export async function startRepairRig(opts: { backups?: boolean } = {}): Promise<RepairRig> {
  const cluster = await startLocalCluster();
  const bot = await startBot({
    config: `
environments:
  repair:
    etcd:
      endpoints: [${cluster.etcd.endpoints.join(', ')}]
      replace: { learnerTimeoutMs: 20000, pollMs: 200, maxLagEntries: 1000 }
${opts.backups ? `      backup: { destination: { dir: ${join(cluster.dir, 'backups')} } }\n` : ''}  repair-quick:
    etcd:
      endpoints: [${cluster.etcd.endpoints.join(', ')}]
      replace: { learnerTimeoutMs: 2000, pollMs: 200, maxLagEntries: 1000 }
channels:
  ${REPAIR.name}: { id: ${REPAIR.id}, environment: repair }
acl:
  rules:
    - { name: etcd-repair, users: [${ALICE}], verbs: [etcd, jobs, locks], channels: ['*'], environments: ['*'] }
`,
  });
  return {
    cluster,
    bot,
    async close() {
      await bot.close();
      await cluster.stop();
    },
  };
}

