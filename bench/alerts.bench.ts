/**
 * Alert speed on a local 3-member etcd: kill 2 members → "quorum lost" reaches the Slack fake;
 * restart them → the same message says resolved. Goal ≤ 5 s each. The watcher runs as in
 * production: BullMQ job scheduler every 2 s (the default), a worker, the real Slack adapter.
 * Run: npm run bench:alerts   (RUNS=5 by default)
 */
import { startBullmqWorker } from '../src/adapters/bullmq/bullmq-worker.js';
import { startAlertWatcher } from '../src/alerts/start-watcher.js';
import { buildDeps } from '../src/build-deps.js';
import { loadConfig } from '../src/config/load-config.js';
import { silentLogger } from '../src/log.js';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { isEtcdHealthy, startLocalCluster, startMember, stopMember, waitFor } from '../tools/local-cluster/index.js';
import { machine, median, recordSection, table } from './lib/report.js';

const RUNS = Number(process.env['RUNS'] ?? 5);
const cluster = await startLocalCluster();
const fake = await startFakeSlackApi();
const config = loadConfig({
  documents: [`
redis: { url: ${cluster.redisUrl}, prefix: bench-alerts }
environments: { local: { etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] } } }
channels: { ops: { id: C_OPS, environment: local } }
alerts: { repeatMs: 0 }   # every incident gets a message of its own, so each run measures a fresh post
`],
  env: { DEVBOT_SLACK_BOT_TOKEN: 'xoxb-bench', DEVBOT_SLACK_API_URL: fake.url },
});
const deps = buildDeps(config, silentLogger());
const worker = startBullmqWorker(deps);
await startAlertWatcher(deps);
const rows: Array<Array<string | number>> = [];
const fire: number[] = [];
const resolve: number[] = [];
try {
  for (let run = 1; run <= RUNS; run++) {
    const killedAt = Date.now();
    await Promise.all(['e2', 'e3'].map((m) => stopMember(cluster.stateFile, m)));
    const alert = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= killedAt && /lost quorum/.test(String(c.params['text'])), 20_000);
    const restartedAt = Date.now();
    await Promise.all(['e2', 'e3'].map((m) => startMember(cluster.stateFile, m)));
    const resolved = await fake.waitForCall('chat.update', (c) => c.receivedAt >= restartedAt && /^RESOLVED/.test(String(c.params['text'])), 20_000);
    fire.push(alert.receivedAt - killedAt);
    resolve.push(resolved.receivedAt - restartedAt);
    rows.push([run, alert.receivedAt - killedAt, resolved.receivedAt - restartedAt]);
    await waitFor('every member healthy again', async () => (await Promise.all(cluster.etcd.members.map((m) => isEtcdHealthy(m.clientUrl)))).every(Boolean));
    await waitFor('the alert to be forgotten', async () => (await deps.alertStore.load()).length === 0, { timeoutMs: 10_000 });
  }
  const out = table(['run', 'kill 2 → alert posted (ms)', 'restart → resolved (ms)'], rows);
  console.log(out);
  console.log(`median: alert ${median(fire)} ms, resolved ${median(resolve)} ms (goal ≤ 5000 ms each)`);
  recordSection('alerts', `## Alerts: etcd quorum lost → alert, restart → resolved

Goal ≤ 5 s each (etcd's own Prometheus rules take minutes). **Median ${median(fire)} ms to the alert, ${median(resolve)} ms to resolved**
over ${RUNS} runs (max ${Math.max(...fire)} / ${Math.max(...resolve)} ms).
Command: \`npm run bench:alerts\` (RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Local 3-member etcd (heartbeat 100 ms, election timeout 1 s); evaluation every 2 s (default) by the BullMQ job scheduler;
probe deadline 500 ms per call; times measured at the fake Slack Web API. Half the 2 s interval is the expected wait for the next tick.

${out}`);
} finally {
  await worker.close();
  await deps.close();
  await fake.close();
  await cluster.stop();
}
// Every handle is closed above; exit anyway so a lingering client socket cannot keep a finished bench alive.
process.exit(0);
