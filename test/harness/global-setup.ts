import type { TestProject } from 'vitest/node';
import { ensureInstalled } from '../../tools/local-cluster/ensure-installed.js';
import { startLocalCluster } from '../../tools/local-cluster/start-local-cluster.js';

/**
 * Starts one Redis and one 3-member etcd cluster on free loopback ports for the whole run and
 * provides their addresses to tests (`inject('redisUrl' | 'etcd' | 'clusterState')`). Teardown kills
 * every process by pid. DEVBOT_TEST_KEEP_CLUSTER=1 keeps the data and logs for a post-mortem.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests never reach AWS: keep the SDK's credential chain off the instance metadata address.
  process.env['AWS_EC2_METADATA_DISABLED'] ??= 'true';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  ensureInstalled({ log: (line) => console.log(`[harness] ${line}`) });
  const cluster = await startLocalCluster({ keepDir: process.env.DEVBOT_TEST_KEEP_CLUSTER === '1' });
  project.provide('redisUrl', cluster.redisUrl);
  project.provide('etcd', cluster.etcd);
  project.provide('clusterState', cluster.stateFile);
  return () => cluster.stop();
}
