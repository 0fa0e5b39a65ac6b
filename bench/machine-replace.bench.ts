/**
 * devbot's own overhead per machine replacement, through the shipped processes: `devbot serve` +
 * `devbot worker --config <file>`, AWS through AWS_ENDPOINT_URL (the HTTP fake) and fleet through
 * its URL (the fleet fake). The fakes answer at once: the replacement instance is InService the
 * moment the old one is terminated, fleet lists the new machine as it goes InService and starts
 * units without delay. So what is left between the Confirm click and the "succeeded" report is
 * devbot: the plan (fleet, EC2, Auto Scaling reads), the terminate call, one look per wait, the
 * progress message and audit, the queue. Goal ≤ 2 s. Each run replaces the worker web.service is on.
 * Run: npm run bench:machine-replace   (RUNS=5 by default)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { createProcessGroup } from '../test/harness/devbot-processes.js';
import { startReplaceWorld } from '../test/harness/replace-world.js';
import { startLocalCluster } from '../tools/local-cluster/index.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { buttonIn, clickButton, slackEnv, typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const RUNS = Number(process.env['RUNS'] ?? 5);
const ALICE: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };
const WAIT_MS = 60_000;

const cluster = await startLocalCluster();
const fake = await startFakeSlackApi();
const world = await startReplaceWorld({ stackName: 'devbot-bench', pendingPolls: 0, terminatingPolls: 0, fleetTimings: { scheduleMs: 0, startMs: 0, stopMs: 0 } });
const group = createProcessGroup('bench-machine-replace');
const configFile = join(group.dir, 'devbot.yaml');
writeFileSync(configFile, `
slack: { port: 0 }
redis: { prefix: bench-machine-replace }
jobs: { queue: bench-machine-replace }
ops: { servePort: 0, workerPort: 0 }
alerts: { enabled: false }
environments:
  bench:
    etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] }
    fleet: { url: "${world.fleet.url}" }
    aws:
      region: eu-west-1
      stackName: devbot-bench
      imageId: ami-0123456789abcdef0
      sshCidr: 203.0.113.0/24
      pollIntervalMs: 100
      etcd: { discoveryUrl: "https://discovery.etcd.io/3e86b59982e49066c5d813af1c2e2579" }
channels: { ops: { id: ${ALICE.channelId}, environment: bench } }
acl: { rules: [{ name: ops, users: [${ALICE.userId}], verbs: ['*'], channels: [ops], environments: [bench] }] }
`);
const env = { ...slackEnv(cluster.redisUrl, fake.url), ...world.awsEnv };
try {
  const [serve] = await Promise.all([group.startShipped('serve', 'serve', { configFile, env }), group.startShipped('worker', 'worker', { configFile, env })]);
  const serveUrl = `http://127.0.0.1:${serve!.port}`;
  const rows: Array<Array<string | number>> = [];
  const totals: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const { instance, machine: old } = world.webWorker();
    const typedAt = Date.now();
    const ack = await typeCommand(serveUrl, ALICE, `replace ${old.ip} --env bench`);
    if (!/^Preparing a preview/.test(ack)) throw new Error(`run ${run}: answered "${ack}"`);
    const preview = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= typedAt && String(c.params['text']).startsWith('Confirm /dev replace'), WAIT_MS);
    const previewAt = Date.now();
    const confirm = buttonIn(preview, 'devbot_confirm');
    if (!confirm) throw new Error(`run ${run}: no Confirm button in ${String(preview.params['text'])}`);
    const clickedAt = Date.now();
    await clickButton(serveUrl, fake, ALICE, preview, confirm);
    // This run's job message: its title names the machine typed, a different one each run.
    const title = `Replace machine ${old.ip} (bench)`;
    const end = await fake.waitForCall('chat.update', (c) => c.receivedAt >= clickedAt && String(c.params['text']).startsWith(title) && /— (succeeded|failed)/.test(String(c.params['text'])), WAIT_MS);
    const doneAt = end.receivedAt;
    const text = JSON.stringify(end.params);
    if (!/— succeeded/.test(String(end.params['text']))) throw new Error(`run ${run}: ${text}`);
    const steps = /Steps: ([^.]+\.\d s(?: · [^.]+\.\d s)*)/.exec(text)?.[1] ?? '?';
    totals.push(doneAt - clickedAt);
    rows.push([run, instance.id, previewAt - typedAt, doneAt - clickedAt, steps]);
  }
  const out = table(['run', 'instance replaced', 'typed → preview posted (ms)', 'Confirm → succeeded report (ms)', "the job's own step timings"], rows);
  console.log(out);
  console.log(`median ${median(totals)} ms over ${RUNS} runs (goal ≤ 2000 ms)`);
  recordSection('machine-replace', `## Machine replacement: devbot's own overhead, Confirm → report (through \`devbot serve\` + \`devbot worker\`)

Goal ≤ 2 s. **Median ${median(totals)} ms** over ${RUNS} runs (max ${Math.max(...totals)} ms).
Command: \`npm run bench:machine-replace\` (RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
The fakes answer at once (the replacement is InService when the old instance is terminated, fleet lists it then and
starts units without delay), so the time is devbot's: planning again (fleet, EC2 and Auto Scaling reads), the terminate
call, one look per wait (a unit still starting costs one poll of 100 ms), progress updates, audit and the queue.

${out}`);
} catch (e) {
  for (const c of fake.calls) console.error(`${c.method} ${String(c.params['thread_ts'] ?? '')} ${String(c.params['text']).slice(0, 300)}`);
  throw e;
} finally {
  await group.stop();
  await world.close();
  await fake.close();
  await cluster.stop();
}
process.exit(0);
