/**
 * Command → first progress message: from a signed `/dev status` POST to the job's message arriving
 * at the Slack fake (chat.postMessage), through real `devbot serve` and `devbot worker` processes
 * and a real Redis. Goal: p99 < 250 ms.
 * Run: npm run bench:first-progress   (REQUESTS=200 per run, RUNS=5)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { postSlashCommand } from '../test/fakes/slack-signing.js';
import { freePorts } from '../tools/local-cluster/free-port.js';
import { startLocalCluster, waitFor } from '../tools/local-cluster/index.js';
import { isListening } from '../tools/local-cluster/wait-for.js';
import { machine, median, percentile, recordSection, table } from './lib/report.js';

const SECRET = 'bench-signing-secret';
const REQUESTS = Number(process.env['REQUESTS'] ?? 200);
const RUNS = Number(process.env['RUNS'] ?? 5);
const cluster = await startLocalCluster();
const fake = await startFakeSlackApi();
const dir = mkdtempSync(join(tmpdir(), 'bench-progress-'));
const configFile = join(dir, 'devbot.yaml');
writeFileSync(configFile, `
redis: { url: ${cluster.redisUrl}, prefix: bench-progress }
environments: { local: { etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] } } }
channels: { ops: { id: C_OPS, environment: local } }
acl: { rules: [{ name: bench, users: [U_BENCH], verbs: [status], channels: [ops], environments: [local] }] }
alerts: { enabled: false }
log: { level: silent }
`);
const [port = 0] = await freePorts(1);
const env = { ...process.env, DEVBOT_SLACK_BOT_TOKEN: 'xoxb-bench', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url, DEVBOT_SLACK_PORT: String(port), DEVBOT_OPS_WORKER_PORT: '0' };
const procs = ['serve', 'worker'].map((role) => spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role, '--config', configFile], { env, stdio: 'ignore' }));
const url = `http://127.0.0.1:${port}/slack/events`;
try {
  await waitFor('devbot serve to listen', () => isListening(port), { timeoutMs: 30_000 });
  /** One command: the ack names the job; its first message names it too. */
  const once = async () => {
    const started = Date.now();
    const res = await postSlashCommand(url, SECRET, { text: 'status', user_id: 'U_BENCH', channel_id: 'C_OPS', channel_name: 'ops' });
    const jobId = /job (status-[0-9a-f]+)/.exec(res.body)?.[1];
    if (!jobId) throw new Error(`unexpected ack: ${res.body}`);
    const posted = await fake.waitForCall('chat.postMessage', (c) => String(c.params['text']).includes(jobId), 10_000);
    return posted.receivedAt - started;
  };
  for (let i = 0; i < 20; i++) await once(); // warm-up: first connections, JIT
  const rows: Array<Array<string | number>> = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) times.push(await once());
    p50s.push(percentile(times, 50));
    p99s.push(percentile(times, 99));
    rows.push([run, percentile(times, 50), percentile(times, 99), Math.max(...times)]);
  }
  const out = table(['run', 'p50 ms', 'p99 ms', 'max ms'], rows);
  console.log(out);
  console.log(`median p50 ${median(p50s)} ms, median p99 ${median(p99s)} ms (goal p99 < 250 ms)`);
  recordSection('first-progress', `## Command → first progress message

Goal: p99 < 250 ms. **Median over runs: p50 ${median(p50s)} ms, p99 ${median(p99s)} ms.**
Command: \`npm run bench:first-progress\` (REQUESTS=${REQUESTS} sequential commands per run, RUNS=${RUNS}).
Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. Real \`devbot serve\` and \`devbot worker\` processes, local Redis,
3-member etcd; from the signed POST to \`chat.postMessage\` of the job's message at the Slack fake (ms resolution).

${out}`);
} finally {
  procs.forEach((p) => p.kill('SIGTERM'));
  await fake.close();
  await cluster.stop();
}
// Every handle is closed above; exit anyway so a lingering client socket cannot keep a finished bench alive.
process.exit(0);
