/**
 * `/dev etcd replace` through the shipped processes: `devbot serve` + `devbot worker --config <file>`
 * against a local 3-member etcd. Each run destroys e2 (SIGKILL, data dir wiped: a machine gone for
 * good), types `/dev etcd replace e2 --peer-url <new machine>`, clicks the preview's Confirm, and
 * starts the new machine's etcd the moment devbot posts its start settings in the job's thread (the
 * harness plays the new machine at once). The time runs from the click to 3 of 3 voters healthy
 * (`etcdctl member list` and /health). Goal ≤ 15 s. Nothing of devbot runs in this process.
 * Run: npm run bench:replace   (RUNS=3 by default)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSlackApi, type RecordedCall } from '../test/fakes/slack-api.js';
import { createProcessGroup } from '../test/harness/devbot-processes.js';
import { destroyMember, newMachine, startSettingsIn, waitHealthy } from '../test/harness/etcd-machines.js';
import { startLocalCluster, waitFor } from '../tools/local-cluster/index.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { buttonIn, clickButton, slackEnv, typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const RUNS = Number(process.env['RUNS'] ?? 3);
const ALICE: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };
const WAIT_MS = 60_000;

interface Member { ID: string; name: string; isLearner?: boolean; clientURLs?: string[] }
function voters(endpoints: string[]): Member[] {
  const out = execFileSync('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'member', 'list', '-w', 'json'], { encoding: 'utf8' });
  // Ids are uint64: quoted before parsing so JSON.parse keeps every digit, then shown in hex as etcdctl's table does.
  const exact = out.replace(/"ID":(\d+)/g, '"ID":"$1"');
  return (JSON.parse(exact) as { members: Member[] }).members.filter((m) => !m.isLearner && m.name).map((m) => ({ ...m, ID: BigInt(m.ID).toString(16) }));
}

const cluster = await startLocalCluster();
const fake = await startFakeSlackApi();
const group = createProcessGroup('bench-replace');
const configFile = join(group.dir, 'devbot.yaml');
writeFileSync(configFile, `
slack: { port: 0 }
redis: { prefix: bench-replace }
jobs: { queue: bench-replace }
ops: { servePort: 0, workerPort: 0 }
environments:
  local:
    etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] }
channels: { ops: { id: ${ALICE.channelId}, environment: local } }
acl: { rules: [{ name: ops, users: [${ALICE.userId}], verbs: ['*'], channels: [ops], environments: [local] }] }
alerts: { enabled: false }   # no evaluation ticks competing with the replacement for the worker
`);
const env = slackEnv(cluster.redisUrl, fake.url);
const threadText = (ts: string | undefined, after: number) => (c: RecordedCall) => c.receivedAt >= after && c.params['thread_ts'] === ts && /ETCD_INITIAL_CLUSTER=/.test(String(c.params['text']));
try {
  const [serve] = await Promise.all([group.startShipped('serve', 'serve', { configFile, env }), group.startShipped('worker', 'worker', { configFile, env })]);
  const serveUrl = `http://127.0.0.1:${serve!.port}`;
  const rows: Array<Array<string | number>> = [];
  const totals: number[] = [];
  let endpoints = [...cluster.etcd.endpoints];
  for (let run = 1; run <= RUNS; run++) {
    const oldId = voters(endpoints).find((m) => m.name === 'e2')?.ID;
    const gone = voters(endpoints).find((m) => m.name === 'e2')?.clientURLs?.[0];
    await destroyMember(cluster, 'e2');
    const live = endpoints.filter((u) => u !== gone);
    // etcd refuses membership changes for a few seconds after a member's loss is noticed; a user waits too.
    const nm = await newMachine(cluster, `e2-run${run}`);
    const typedAt = Date.now();
    const ack = await typeCommand(serveUrl, ALICE, `etcd replace e2 --peer-url ${nm.peerUrl}`);
    if (!/^Preparing a preview/.test(ack)) throw new Error(`run ${run}: answered "${ack}"`);
    const preview = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= typedAt && /^Confirm \/dev etcd replace e2/.test(String(c.params['text'])), WAIT_MS);
    const confirm = buttonIn(preview, 'devbot_confirm');
    if (!confirm) throw new Error(`run ${run}: no Confirm button in ${String(preview.params['text'])}`);
    const clickedAt = Date.now();
    await clickButton(serveUrl, fake, ALICE, preview, confirm);
    const jobMessage = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= clickedAt && /^etcd: replace e2 in local/.test(String(c.params['text'])) && !c.params['thread_ts'], WAIT_MS);
    const instructions = await fake.waitForCall('chat.postMessage', threadText(jobMessage.ts, clickedAt), WAIT_MS);
    const addedAt = Date.now();
    await nm.start(startSettingsIn(String(instructions.params['text']))!);
    const startedAt = Date.now();
    endpoints = [...live, nm.clientUrl];
    await waitFor('3 of 3 voters', () => voters(endpoints).length === 3, { timeoutMs: WAIT_MS, intervalMs: 50 });
    await waitHealthy(endpoints, WAIT_MS);
    const healthyAt = Date.now();
    const end = await fake.waitForCall('chat.update', (c) => c.params['ts'] === jobMessage.ts && /— (succeeded|failed)/.test(String(c.params['text'])), WAIT_MS);
    if (!/— succeeded/.test(String(end.params['text']))) throw new Error(`run ${run}: ${String(end.params['text'])}`);
    const newId = voters(endpoints).find((m) => m.name === 'e2')?.ID;
    totals.push(healthyAt - clickedAt);
    rows.push([run, `${oldId ?? '?'} → ${newId ?? '?'}`, addedAt - clickedAt, startedAt - addedAt, healthyAt - startedAt, healthyAt - clickedAt]);
  }
  const out = table(['run', 'member id old → new', 'click → learner added, settings posted (ms)', 'new etcd started (ms)', 'started → 3 of 3 voters healthy (ms)', 'total (ms)'], rows);
  console.log(out);
  console.log(`median ${median(totals)} ms over ${RUNS} runs (goal ≤ 15000 ms)`);
  recordSection('etcd-replace', `## etcd member replacement: Confirm → 3 of 3 healthy voters (through \`devbot serve\` + \`devbot worker\`)

Goal ≤ 15 s. **Median ${median(totals)} ms** over ${RUNS} runs (max ${Math.max(...totals)} ms).
Command: \`npm run bench:replace\` (RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Local 3-member etcd 3.4 (heartbeat 100 ms, election timeout 1 s); e2 destroyed (SIGKILL, data wiped) before each run; the
harness starts the new machine's etcd as soon as devbot posts its start settings. Where the time goes: removing the dead
member and adding the learner (etcd refuses membership changes for ~5 s after a member's loss or a change: devbot
retries), the new member's start, its catch-up, the promotion and the health check of every voter.

${out}`);
} catch (e) {
  // What devbot said, to tell a slow step from a refusal.
  for (const c of fake.calls) console.error(`${c.method} ${String(c.params['thread_ts'] ?? '')} ${String(c.params['text']).slice(0, 300)}`);
  throw e;
} finally {
  await group.stop();
  await fake.close();
  await cluster.stop();
}
process.exit(0);
