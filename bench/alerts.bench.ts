/**
 * Alert speed through the shipped process: `devbot worker --config <file>` (two of them, as a
 * deployment runs replicas) against a local 3-member etcd. Kill 2 members → "quorum lost" reaches
 * the Slack fake; restart them → the same message says resolved. Goal ≤ 5 s each. Nothing of devbot
 * runs in this process: it only writes the config, kills members and watches the fake.
 * Run: npm run bench:alerts   (RUNS=5 by default)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { createProcessGroup } from '../test/harness/devbot-processes.js';
import { isEtcdHealthy, startLocalCluster, startMember, stopMember, waitFor } from '../tools/local-cluster/index.js';
import { machine, median, recordSection, table } from './lib/report.js';

const RUNS = Number(process.env['RUNS'] ?? 5);
const cluster = await startLocalCluster();
const fake = await startFakeSlackApi();
const group = createProcessGroup('bench-alerts');
const configFile = join(group.dir, 'devbot.yaml');
writeFileSync(configFile, `
redis: { prefix: bench-alerts }
ops: { workerPort: 0 }
environments: { local: { etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] } } }
channels: { ops: { id: C_OPS, environment: local } }
alerts: { repeatMs: 0 }   # every incident gets a message of its own, so each run measures a fresh post
`);
const env = { DEVBOT_REDIS_URL: cluster.redisUrl, DEVBOT_SLACK_BOT_TOKEN: 'xoxb-bench', DEVBOT_SLACK_API_URL: fake.url };
const rows: Array<Array<string | number>> = [];
const fire: number[] = [];
const resolve: number[] = [];
try {
  const workers = await Promise.all(['worker-1', 'worker-2'].map((name) => group.startShipped('worker', name, { configFile, env })));
  await Promise.all(workers.map((w) => group.waitForLog(w, '"msg":"alert evaluation scheduled"')));
  for (let run = 1; run <= RUNS; run++) {
    const killedAt = Date.now();
    await Promise.all(['e2', 'e3'].map((m) => stopMember(cluster.stateFile, m)));
    const alert = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= killedAt && /lost quorum/.test(String(c.params['text'])), 20_000);
    const restartedAt = Date.now();
    await Promise.all(['e2', 'e3'].map((m) => startMember(cluster.stateFile, m)));
    const resolved = await fake.waitForCall('chat.update', (c) => c.receivedAt >= restartedAt && c.params['ts'] === alert.ts && /^RESOLVED/.test(String(c.params['text'])), 20_000);
    fire.push(alert.receivedAt - killedAt);
    resolve.push(resolved.receivedAt - restartedAt);
    rows.push([run, alert.receivedAt - killedAt, resolved.receivedAt - restartedAt]);
    await waitFor('every member healthy again', async () => (await Promise.all(cluster.etcd.members.map((m) => isEtcdHealthy(m.clientUrl)))).every(Boolean));
  }
  const out = table(['run', 'kill 2 → alert posted (ms)', 'restart → resolved (ms)'], rows);
  console.log(out);
  console.log(`median: alert ${median(fire)} ms, resolved ${median(resolve)} ms (goal ≤ 5000 ms each)`);
  recordSection('alerts', `## Alerts: etcd quorum lost → alert, restart → resolved (through \`devbot worker\`)

Goal ≤ 5 s each (etcd's own Prometheus rules take minutes). **Median ${median(fire)} ms to the alert, ${median(resolve)} ms to resolved**
over ${RUNS} runs (max ${Math.max(...fire)} / ${Math.max(...resolve)} ms).
Command: \`npm run bench:alerts\` (RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Two shipped \`devbot worker --config devbot.yaml\` processes (bin/devbot.mjs) against a local 3-member etcd (heartbeat 100 ms,
election timeout 1 s); evaluation every 2 s (default) by the job scheduler each worker registers at startup; probe deadline
500 ms per call; times measured at the fake Slack Web API. Half the 2 s interval is the expected wait for the next tick.

${out}`);
} finally {
  await group.stop();
  await fake.close();
  await cluster.stop();
}
// Every handle is closed above; exit anyway so a lingering client socket cannot keep a finished bench alive.
process.exit(0);
