/**
 * `npm run bench`: every benchmark in turn, each in its own process (each starts and stops its own
 * local cluster), each refreshing its section of BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';

const BENCHES = ['ack-latency', 'first-progress', 'slack-burst', 'deploy-burst', 'alerts', 'failover', 'status-scale', 'worker-resume', 'etcd-snapshot', 'etcd-replace', 'converge', 'logs', 'machine-replace'];
let failed = 0;
for (const name of BENCHES) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.bench.ts`], { stdio: 'inherit' });
  if (status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
