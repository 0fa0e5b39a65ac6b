/**
 * `/dev logs` of 1,000 lines: from a signed `/dev logs web@1 --lines 1000` POST to the journal
 * landing as a file at the Slack fake (files.completeUploadExternal), through real `devbot serve`
 * and `devbot worker` processes, a real Redis and etcd, the fleet fake placing the unit, and a real
 * OpenSSH server (test/harness/sshd.ts) whose `journalctl` prints the lines. Goal: median ≤ 1 s.
 * Run: npm run bench:logs   (RUNS=7, LINES=1000)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { createProcessGroup } from '../test/harness/devbot-processes.js';
import { startSshd } from '../test/harness/sshd.js';
import { startFleetFake } from '../tools/fleet-fake/index.js';
import { startLocalCluster, waitFor } from '../tools/local-cluster/index.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { slackEnv, typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const BENCH: SlackPlace = { userId: 'U_BENCH', channelId: 'C_OPS', channelName: 'ops' };
const RUNS = Math.max(5, Number(process.env['RUNS'] ?? 7));
const LINES = Number(process.env['LINES'] ?? 1000);
const GOAL_MS = 1000;

/** A journal line as long as a real one (~110 chars): ISO time, host, unit[pid], message. */
const JOURNALCTL = `#!/bin/sh
unit=$2; n=$4
i=1; while [ $i -le $n ]; do echo "2026-12-01T10:00:00+0000 worker-a $unit[4242]: GET /api/v1/items?page=$i 200 12ms user-agent=bench"; i=$((i+1)); done
`;

const cluster = await startLocalCluster();
const sshd = await startSshd({ addresses: ['127.0.0.2'], stubs: { journalctl: JOURNALCTL } });
const fleet = await startFleetFake({ machines: [{ name: 'worker-a', ip: '127.0.0.2', metadata: { role: 'worker' } }], timings: { scheduleMs: 10, startMs: 20, stopMs: 10 }, tickMs: 10, containers: false });
const fake = await startFakeSlackApi();
const group = createProcessGroup('bench-logs');
const dir = group.dir;
writeFileSync(join(dir, 'services.yaml'), 'services:\n  web: { image: team/web, version: "1", instances: 1 }\n');
const configFile = join(dir, 'devbot.yaml');
writeFileSync(configFile, `
slack: { port: 0 }
ops: { servePort: 0, workerPort: 0 }
redis: { prefix: bench-logs }
environments:
  local:
    etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] }
    fleet: { url: "${fleet.url}", catalog: "${join(dir, 'services.yaml')}" }
    remote: { user: ${sshd.user}, port: ${sshd.port}, hostKeys: { 127.0.0.2: "${sshd.hostKey}" } }
channels: { ops: { id: C_OPS, environment: local } }
acl: { rules: [{ name: bench, users: [U_BENCH], verbs: [logs], channels: [ops], environments: [local] }] }
alerts: { enabled: false }
`);
const env = slackEnv(cluster.redisUrl, fake.url);
try {
  await placeUnit('web@1.service', fleet.machines[0]!.id);
  // Shipped processes (bin/devbot.mjs); only the worker holds the SSH key, as in a deployment.
  const [serve] = await Promise.all([
    group.startShipped('serve', 'serve', { configFile, env }),
    group.startShipped('worker', 'worker', { configFile, env: { ...env, DEVBOT_SSH_KEY: sshd.clientKey } }),
  ]);
  const serveUrl = `http://127.0.0.1:${serve!.port}`;
  /** One command: the ack names the job; the file it uploads lands in the job's thread. */
  const once = async () => {
    const started = Date.now();
    const ack = await typeCommand(serveUrl, BENCH, `logs web@1 --lines ${LINES}`);
    const jobId = /job (logs-[0-9a-f]+)/.exec(ack)?.[1];
    if (!jobId) throw new Error(`unexpected ack: ${ack}`);
    const acked = Date.now() - started;
    const message = await fake.waitForCall('chat.postMessage', (c) => String(c.params['text']).includes(`(job ${jobId},`), 20_000);
    const completed = await fake.waitForCall('files.completeUploadExternal', (c) => c.receivedAt >= started && c.params['thread_ts'] === message.ts, 20_000);
    const file = fake.files().find((f) => f.threadTs === message.ts);
    if (!file || file.content.split('\n').length !== LINES) throw new Error(`the file in the job's thread has ${file?.content.split('\n').length ?? 0} lines, not ${LINES}`);
    return { total: completed.receivedAt - started, acked, firstMessage: message.receivedAt - started };
  };
  for (let i = 0; i < 2; i++) await once(); // warm-up: first connections, JIT, the worker's first SSH handshake
  const runs: Array<{ total: number; acked: number; firstMessage: number }> = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await once());
  const rows = runs.map((r, i) => [i + 1, r.acked, r.firstMessage, r.total]);
  const out = table(['run', 'ack ms', 'job message ms', 'file posted ms'], rows);
  const mid = median(runs.map((r) => r.total));
  console.log(out);
  console.log(`median command → file posted: ${mid} ms (goal ≤ ${GOAL_MS} ms) — ${mid <= GOAL_MS ? 'met' : 'MISSED'}`);
  recordSection('logs', `## \`/dev logs\` of ${LINES.toLocaleString('en')} lines: command → file posted

Goal: median ≤ ${GOAL_MS / 1000} s. **Median over ${RUNS} runs: ${mid} ms** (${mid <= GOAL_MS ? 'met' : 'missed'}).
Command: \`npm run bench:logs\` (RUNS=${RUNS}, LINES=${LINES}, after 2 warm-up commands).
Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. Shipped \`devbot serve\` and \`devbot worker\` (bin/devbot.mjs),
local Redis and 3-member etcd, the fleet fake placing \`web@1\` on 127.0.0.2, and a real OpenSSH server there whose \`journalctl\`
prints the lines; from the signed POST to \`files.completeUploadExternal\` at the Slack fake, the file in the job's thread.

${out}`);
} finally {
  await group.stop();
  await fake.close();
  await fleet.close();
  await sshd.close();
  await cluster.stop();
}
// Every handle is closed above; exit anyway so a lingering client socket cannot keep a finished bench alive.
process.exit(0);

/** A launched unit on a machine, through fleet's API v1 as fleetctl submits it; resolves once active. */
async function placeUnit(name: string, machineId: string): Promise<void> {
  const options = [
    { section: 'Service', name: 'ExecStart', value: '/bin/true' },
    { section: 'X-Fleet', name: 'MachineID', value: machineId },
  ];
  const res = await fetch(`${fleet.url}/fleet/v1/units/${encodeURIComponent(name)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, desiredState: 'launched', options }) });
  if (res.status !== 201) throw new Error(`fleet answered ${res.status} to PUT ${name}: ${await res.text()}`);
  await waitFor(`${name} to be active in the fleet fake`, async () => fleet.states().some((s) => s.name === name && s.systemdActiveState === 'active'), { timeoutMs: 10_000 });
}
