/**
 * Failover speed through the shipped processes: `devbot serve` and `devbot worker --config <file>`
 * against a local 3-member etcd with `etcdctl elect` candidates. `/dev failover postgres` goes in as
 * a signed slash command, the preview's Confirm button (found at the Slack Web API fake) is clicked
 * as a signed block_actions payload, and the time runs from that click to the new leader being
 * visible to `etcdctl elect -l`. Goal: ≤ 2 s. Nothing of devbot runs in this process.
 * Run: npm run bench:failover   (RUNS=7 by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { createProcessGroup } from '../test/harness/devbot-processes.js';
import { startLocalCluster, waitFor } from '../tools/local-cluster/index.js';
import { candidateCount } from './lib/etcdctl.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { buttonIn, clickButton, slackEnv, typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const RUNS = Number(process.env['RUNS'] ?? 7);
// One candidate per run plus one: each failover retires the leader for good (its lease is revoked).
const CANDIDATES = RUNS + 1;
if (CANDIDATES > 9) throw new Error(`RUNS=${RUNS} needs ${CANDIDATES} candidates; the config allows at most 9 (RUNS ≤ 8)`);
const ALICE: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };
const WAIT_MS = 30_000;

const cluster = await startLocalCluster();
const fake = await startFakeSlackApi();
const group = createProcessGroup('bench-failover');
const endpoints = cluster.etcd.endpoints.join(',');
const configFile = join(group.dir, 'devbot.yaml');
writeFileSync(configFile, `
slack: { port: 0 }
redis: { prefix: bench-failover }
jobs: { queue: bench-failover }
ops: { servePort: 0, workerPort: 0 }
environments:
  local:
    etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] }
    databases: { postgres: { electionPrefix: postgres, candidates: ${CANDIDATES} } }
channels: { ops: { id: ${ALICE.channelId}, environment: local } }
acl: { rules: [{ name: ops, users: [${ALICE.userId}], verbs: ['*'], channels: [ops], environments: [local] }] }
alerts: { enabled: false }   # no evaluation ticks competing with the failover for the worker
`);
const env = slackEnv(cluster.redisUrl, fake.url);
const children: ChildProcess[] = [];
try {
  const [serve] = await Promise.all([group.startShipped('serve', 'serve', { configFile, env }), group.startShipped('worker', 'worker', { configFile, env })]);
  const serveUrl = `http://127.0.0.1:${serve!.port}`;
  for (let i = 1; i <= CANDIDATES; i++) {
    children.push(spawn('etcdctl', [`--endpoints=${endpoints}`, 'elect', 'postgres', `pg-${i}`], { stdio: 'ignore' }));
    await waitFor(`candidate pg-${i}`, async () => (await candidateCount(cluster.etcd.endpoints, 'postgres')) === i);
  }
  // An observer as the issue names it: it prints every new leader's proposal as it happens.
  const observer = spawn('etcdctl', [`--endpoints=${endpoints}`, 'elect', '-l', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(observer);
  const seen: Array<{ name: string; at: number }> = [];
  createInterface({ input: observer.stdout! }).on('line', (line) => {
    if (line.trim() && !line.startsWith('postgres/')) seen.push({ name: line.trim(), at: performance.now() });
  });
  await waitFor('the observer to report the first leader', () => seen.length > 0);

  const rows: Array<Array<string | number>> = [];
  const times: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const before = seen.at(-1)!.name;
    const typedAt = Date.now();
    const ack = await typeCommand(serveUrl, ALICE, 'failover postgres');
    if (!/^Preparing a preview/.test(ack)) throw new Error(`run ${run}: /dev failover postgres was answered "${ack}"`);
    const preview = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= typedAt && c.params['channel'] === ALICE.channelId && /^Confirm \/dev failover postgres in local\?/.test(String(c.params['text'])), WAIT_MS);
    const confirm = buttonIn(preview, 'devbot_confirm');
    if (!confirm) throw new Error(`run ${run}: the preview has no Confirm button: ${String(preview.params['text'])}`);
    const clickedAt = performance.now();
    const responseId = await clickButton(serveUrl, fake, ALICE, preview, confirm);
    await waitFor('etcdctl elect -l to show a new leader', () => seen.at(-1)!.name !== before, { timeoutMs: 15_000, intervalMs: 5 });
    const ms = seen.at(-1)!.at - clickedAt;
    times.push(ms);
    rows.push([run, before, seen.at(-1)!.name, ms.toFixed(0)]);
    // The job's own end, before the next run takes the database's lock.
    const answer = await fake.waitForCall('response_url', (c) => c.responseId === responseId, WAIT_MS);
    const jobId = /running as job (\S+)\./.exec(String(answer.params['text']))?.[1];
    if (!jobId) throw new Error(`run ${run}: the click was answered "${String(answer.params['text'])}"`);
    const end = await fake.waitForCall('chat.update', (c) => String(c.params['text']).includes(`(job ${jobId},`) && /^Failover of postgres \(local\) — (succeeded|failed)/.test(String(c.params['text'])), WAIT_MS);
    if (!/— succeeded/.test(String(end.params['text']))) throw new Error(`run ${run}: ${String(end.params['text'])}`);
  }
  const out = table(['run', 'old leader', 'new leader', 'confirm → visible (ms)'], rows);
  console.log(out);
  console.log(`median ${median(times).toFixed(0)} ms over ${RUNS} runs (goal ≤ 2000 ms)`);
  recordSection('failover', `## Failover: Confirm → new leader visible to \`etcdctl elect -l\` (through \`devbot serve\` + \`devbot worker\`)

Goal ≤ 2 s. **Median ${median(times).toFixed(0)} ms** over ${RUNS} runs (max ${Math.max(...times).toFixed(0)} ms).
Command: \`npm run bench:failover\` (RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Shipped \`devbot serve\` and \`devbot worker --config devbot.yaml\` (bin/devbot.mjs) against a local 3-member etcd (heartbeat
100 ms, election timeout 1 s) with ${CANDIDATES} \`etcdctl elect\` candidates; \`/dev failover postgres\` as a signed slash command, the
preview's Confirm clicked as a signed block_actions payload; from sending the click to \`etcdctl elect -l\` printing the new leader.

${out}`);
} finally {
  children.forEach((c) => c.kill('SIGTERM'));
  await group.stop();
  await fake.close();
  await cluster.stop();
}
// Every handle is closed above; exit anyway so a lingering client socket cannot keep a finished bench alive.
process.exit(0);
