/**
 * Snapshot speed through the shipped processes: an etcd of its own filled to ~100 MB (large
 * values), `/dev etcd snapshot` typed as a signed slash command into `devbot serve`, run by `devbot
 * worker --config <file>` into a real S3 server (s3rver, in this process) and verified there (read
 * back, SHA-256, etcd's checksum, `etcdctl snapshot status`). Compared in the same run with
 * `etcdctl snapshot save` of the same db to a local file. Goal: the job ≤ 1.5 × etcdctl.
 * Run: npm run bench:snapshot   (RUNS=3 by default)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Etcd3 } from 'etcd3';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { createProcessGroup } from '../test/harness/devbot-processes.js';
import { S3RVER_CREDENTIALS, startS3Server } from '../test/harness/s3-server.js';
import { startLocalCluster } from '../tools/local-cluster/index.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { slackEnv, typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const run = promisify(execFile);
const RUNS = Number(process.env['RUNS'] ?? 3);
const TARGET_BYTES = 100 * 2 ** 20;
const VALUE_BYTES = 512 * 1024;
const ALICE: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };
const BUCKET = 'bench-snapshots';

const cluster = await startLocalCluster();
const s3 = await startS3Server([BUCKET]);
const fake = await startFakeSlackApi();
const group = createProcessGroup('bench-snapshot');
const saved = join(group.dir, 'etcdctl-save.db');
const configFile = join(group.dir, 'devbot.yaml');
writeFileSync(configFile, `
slack: { port: 0 }
redis: { prefix: bench-snapshot }
jobs: { queue: bench-snapshot }
ops: { servePort: 0, workerPort: 0 }
environments:
  local:
    etcd:
      endpoints: [${cluster.etcd.endpoints.join(', ')}]
      backup: { destination: { s3: { bucket: ${BUCKET}, prefix: bench } } }
channels: { ops: { id: ${ALICE.channelId}, environment: local } }
acl: { rules: [{ name: ops, users: [${ALICE.userId}], verbs: ['*'], channels: [ops], environments: [local] }] }
alerts: { enabled: false }   # no evaluation ticks competing with the snapshot for the worker
`);

/** The worker's JSON log lines with `msg`, after `from` (ms epoch). */
interface LogLine { time: number; jobId?: string; streamMs?: number; verifyMs?: number; pruneMs?: number }
function workerLog(file: string, msg: string, from: number): LogLine[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).map((l) => JSON.parse(l) as LogLine).filter((l) => l.time >= from);
}

try {
  // ~100 MB of large values (etcd's db grows a little past the sum of its values).
  const client = new Etcd3({ hosts: cluster.etcd.endpoints });
  const count = Math.ceil(TARGET_BYTES / VALUE_BYTES);
  for (let i = 0; i < count; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, count - i) }, (_, j) => client.put(`/bench/value-${i + j}`).value(randomBytes(VALUE_BYTES))));
  }
  client.close();
  const { stdout } = await run('etcdctl', [`--endpoints=${cluster.etcd.endpoints[0]}`, 'endpoint', 'status', '-w', 'json']);
  const dbSize = (JSON.parse(stdout) as Array<{ Status: { dbSize: number } }>)[0]!.Status.dbSize;

  const env = { ...slackEnv(cluster.redisUrl, fake.url), ...s3.env };
  const [serve, worker] = await Promise.all([group.startShipped('serve', 'serve', { configFile, env }), group.startShipped('worker', 'worker', { configFile, env })]);
  const serveUrl = `http://127.0.0.1:${serve!.port}`;
  // A worker takes the first scheduled snapshot at once: let it land before measuring.
  await group.waitForLog(worker!, '"msg":"etcd snapshot taken and verified"', 120_000);

  const rows: Array<Array<string | number>> = [];
  const jobMs: number[] = [];
  const endToEndMs: number[] = [];
  const etcdctlMs: number[] = [];
  const floorMs: number[] = [];
  const grpcMs: number[] = [];
  // The same follower, drained by the etcd3 library alone: what Node's gRPC takes to receive the bytes.
  const follower = new Etcd3({ hosts: [cluster.etcd.endpoints[1]!] });
  const s3Client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: 'us-east-1', credentials: S3RVER_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED' });
  for (let i = 1; i <= RUNS; i++) {
    rmSync(saved, { force: true });
    const t0 = performance.now();
    await run('etcdctl', [`--endpoints=${cluster.etcd.endpoints[1]}`, 'snapshot', 'save', saved]);
    etcdctlMs.push(performance.now() - t0);
    const tg = performance.now();
    await drainSnapshot(follower);
    grpcMs.push(performance.now() - tg);

    const typedAt = Date.now();
    const ack = await typeCommand(serveUrl, ALICE, 'etcd snapshot');
    const jobId = /job `?(etcd-[0-9a-f]{10})/.exec(ack)?.[1];
    if (!jobId) throw new Error(`run ${i}: /dev etcd snapshot was answered "${ack}"`);
    const done = await fake.waitForCall('chat.update', (c) => c.receivedAt >= typedAt && String(c.params['text']).includes(`(job ${jobId},`) && / — (succeeded|failed) /.test(String(c.params['text'])), 120_000);
    const text = String(done.params['text']);
    if (!text.includes(' — succeeded ')) throw new Error(`run ${i}: the snapshot failed: ${text}`);
    endToEndMs.push(done.receivedAt - typedAt);
    // The job's own time, as the worker logged it: started → verified, pruned and recorded.
    const started = workerLog(worker!.logFile, 'job started', typedAt).find((l) => l.jobId === jobId);
    const verified = workerLog(worker!.logFile, 'etcd snapshot taken and verified', typedAt).find((l) => l.jobId === jobId);
    if (!started || !verified) throw new Error(`run ${i}: the worker's log lacks the job's start or end`);
    jobMs.push(verified.time - started.time);
    // For scale: s3rver alone taking the same bytes from memory, as the job's upload sends them.
    const bytes = readFileSync(saved);
    const t1 = performance.now();
    await new Upload({ client: s3Client, params: { Bucket: BUCKET, Key: `floor/${i}.db`, Body: bytes }, partSize: 8 * 2 ** 20, queueSize: 8 }).done();
    floorMs.push(performance.now() - t1);
    rows.push([i, etcdctlMs.at(-1)!.toFixed(0), grpcMs.at(-1)!.toFixed(0), floorMs.at(-1)!.toFixed(0), jobMs.at(-1)!.toFixed(0), `${verified.streamMs} / ${verified.verifyMs} / ${verified.pruneMs}`, (jobMs.at(-1)! / etcdctlMs.at(-1)!).toFixed(2), endToEndMs.at(-1)!.toFixed(0)]);
  }
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  const ratio = median(jobMs) / median(etcdctlMs);
  follower.close();
  const out = table(['run', 'etcdctl snapshot save (ms)', 'etcd3 (Node gRPC) stream alone, bytes dropped (ms)', 's3rver alone: upload of the file from memory (ms)', 'devbot job (ms)', 'of which stream → S3 / read back + verify / prune (ms)', 'ratio', 'slash command → final message (ms)'], rows);
  console.log(out);
  console.log(`db ${mib(dbSize)} MiB, file ${mib(statSync(saved).size)} MiB; median etcdctl ${median(etcdctlMs).toFixed(0)} ms, job ${median(jobMs).toFixed(0)} ms: ${ratio.toFixed(2)}× (goal ≤ 1.5×)`);
  recordSection('etcd-snapshot', `## etcd snapshot to S3, verified (through \`devbot serve\` + \`devbot worker\`)

Goal: the job ≤ 1.5 × \`etcdctl snapshot save\` of the same db to a local file. **Median ${median(jobMs).toFixed(0)} ms for the job vs
${median(etcdctlMs).toFixed(0)} ms for etcdctl: ${ratio.toFixed(2)}×** (${ratio <= 1.5 ? 'goal met' : 'goal NOT met'}), over ${RUNS} runs of a ${mib(dbSize)} MiB db (${count} values of ${VALUE_BYTES / 1024} KiB).
Two floors measured in the same runs: Node's gRPC (the etcd3 library) only receiving the same snapshot from the same
follower takes ${median(grpcMs).toFixed(0)} ms (${(median(grpcMs) / median(etcdctlMs)).toFixed(2)}× etcdctl), and s3rver alone takes ${median(floorMs).toFixed(0)} ms (median) to accept the same bytes from memory
(${(median(floorMs) / median(etcdctlMs)).toFixed(2)}× etcdctl), before anything is verified.
Command: \`npm run bench:snapshot\` (RUNS=${RUNS}). Machine: ${machine()}, load average ${loadavg()[0]!.toFixed(1)} at the end. Date: ${new Date().toISOString().slice(0, 10)}.
A local 3-member etcd 3.4; s3rver (an S3 server on local disk) in the bench process; shipped \`devbot serve\` and
\`devbot worker --config devbot.yaml\` (bin/devbot.mjs). The job's time is from its "job started" to its "etcd snapshot taken
and verified" log line: the snapshot streamed from a follower into a multipart upload (8 MiB parts, 8 in flight) and, at the
same time, into a temp file; the SHA-256 added to the object's metadata (a copy onto itself); the object read back and its size,
SHA-256 and etcd's own checksum checked while \`etcdctl snapshot status\` inspects the temp file; the retention tiers applied.
etcdctl only streams the same snapshot into a file. The "s3rver alone" column uploads the file etcdctl saved, from memory,
with the same part settings: the floor any upload to this S3 server has, before a byte is verified. The last column is what the
requester waits for, Slack's one-update-per-second pace on the job's message included.

${out}`);
} finally {
  await group.stop();
  await fake.close();
  await s3.close();
  await cluster.stop();
}
process.exit(0);

/** Receives a whole snapshot from `client` and drops it: the transport's own floor. */
async function drainSnapshot(client: Etcd3): Promise<void> {
  const stream = (await client.maintenance.snapshot()) as unknown as NodeJS.EventEmitter;
  await new Promise<void>((resolve, reject) => {
    stream.on('data', () => undefined);
    stream.on('end', resolve);
    stream.on('error', reject);
  });
}
