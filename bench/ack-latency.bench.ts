/**
 * Slash-command ack latency: signed `/dev status` POSTs into devbot's real Bolt receiver (parse,
 * ACL, audit, queue on a real Redis) side by side with a bare Bolt app that only acks and a durable
 * bare app that awaits one Redis SET before acking (the floor for an ack that promises the request
 * is safe), at 1 and at 50 concurrent requests. Goal: devbot p99 ≤ 1.2× the durable bare app, and
 * p99 < 100 ms.
 * Run: npm run bench:ack   (REQUESTS=2000 per row by default, RUNS=5)
 */
import { request, Agent } from 'node:http';
import { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { signSlackRequest, slashCommandBody } from '../test/fakes/slack-signing.js';
import { freePorts } from '../tools/local-cluster/free-port.js';
import { startLocalCluster, waitFor } from '../tools/local-cluster/index.js';
import { isListening } from '../tools/local-cluster/wait-for.js';
import { machine, median, percentile, recordSection, table } from './lib/report.js';

const SECRET = 'bench-signing-secret';
const REQUESTS = Number(process.env['REQUESTS'] ?? 2000);
const RUNS = Number(process.env['RUNS'] ?? 5);
const WARM_UP = Number(process.env['WARM_UP'] ?? 2000);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(port: number, body: string): Promise<number> {
  const headers = { ...signSlackRequest(SECRET, body), 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) };
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `total` requests, `concurrency` in flight at a time; latencies in ms. */
async function load(port: number, total: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      latencies.push(await post(port, slashCommandBody({ text: 'status', user_id: 'U_BENCH', channel_id: 'C_OPS', channel_name: 'ops' })));
    }
  }));
  return latencies;
}

const cluster = await startLocalCluster({ memberNames: ['e1'] });
const fake = await startFakeSlackApi();
const dir = mkdtempSync(join(tmpdir(), 'bench-ack-'));
const configFile = join(dir, 'devbot.yaml');
writeFileSync(configFile, `
redis: { url: ${cluster.redisUrl}, prefix: bench-ack }
environments: { local: { etcd: { endpoints: [${cluster.etcd.endpoints[0]}] } } }
channels: { ops: { id: C_OPS, environment: local } }
acl: { rules: [{ name: bench, users: [U_BENCH], verbs: [status], channels: [ops], environments: [local] }] }
log: { level: silent }
`);
const [devbotPort = 0, barePort = 0, durablePort = 0] = await freePorts(3);
const env = { ...process.env, DEVBOT_SLACK_BOT_TOKEN: 'xoxb-bench', DEVBOT_SLACK_SIGNING_SECRET: SECRET, DEVBOT_SLACK_API_URL: fake.url, DEVBOT_SLACK_PORT: String(devbotPort), SECRET, SLACK_API_URL: fake.url, PORT: String(barePort) };
// Each server in a process of its own, as deployed; this process only generates load.
const servers = [
  spawn(process.execPath, ['bin/devbot.mjs', 'serve', '--config', configFile], { env, stdio: 'ignore' }),
  spawn(process.execPath, ['--import', 'tsx', 'bench/lib/bare-bolt-app.ts'], { env, stdio: 'ignore' }),
  spawn(process.execPath, ['--import', 'tsx', 'bench/lib/durable-bolt-app.ts'], { env: { ...env, PORT: String(durablePort), REDIS_URL: cluster.redisUrl }, stdio: 'ignore' }),
];
await waitFor('the three servers to listen', async () => (await isListening(devbotPort)) && (await isListening(barePort)) && (await isListening(durablePort)), { timeoutMs: 30_000 });
const portOf = { bare: barePort, durable: durablePort, devbot: devbotPort } as const;
type Who = keyof typeof portOf;

// What each server costs Redis: the servers take turns on one Redis, so its CPU time over a turn is
// that server's. Read between turns only, never during one.
const redisStats = new Redis(cluster.redisUrl);
const redisCpuUs = async () => {
  const info = await redisStats.info('cpu');
  return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1e6;
};
/**
 * Calls and µs per request of each command Redis ran during one turn (INFO commandstats), costliest
 * first; an evalsha's time includes the commands its script ran, which are listed too.
 */
const commandsPerRequest = async (requests: number) =>
  (await redisStats.info('commandstats')).split('\n')
    .flatMap((line) => {
      const m = /^cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/.exec(line);
      const calls = Number(m?.[2]) / requests;
      // Leaves out this bench's own INFO and CONFIG, and the rate budget's occasional polls.
      return m && calls >= 0.5 && !/^(info|config)/.test(m[1]!) ? [{ name: m[1]!, calls, us: Number(m[3]) / requests }] : [];
    })
    .sort((a, b) => b.us - a.us)
    .map((c) => `${c.name} ${c.calls.toFixed(0)}× ${c.us.toFixed(0)} µs`);

try {
  const rows: Array<Array<string | number>> = [];
  const redisRows: Array<Array<string | number>> = [];
  const summary: string[] = [];
  for (const concurrency of [1, 50]) {
    // Warm-up, the same for each: long enough for V8 to have compiled each server's request path, so
    // the runs compare steady-state serving rather than how much code each has to warm up.
    for (const who of ['bare', 'durable', 'devbot'] as const) await load(portOf[who], WARM_UP, concurrency);
    const runs = Object.fromEntries((['bare', 'durable', 'devbot'] as const).map((w) => [w, { p50: [] as number[], p99: [] as number[], redisUs: [] as number[], commands: [] as string[] }])) as Record<Who, { p50: number[]; p99: number[]; redisUs: number[]; commands: string[] }>;
    for (let run = 0; run < RUNS; run++) {
      // Rotate which goes first, so none always runs on a warmer machine.
      const order: Who[] = (['bare', 'durable', 'devbot'] as const).map((_, i, all) => all[(i + run) % all.length]!);
      for (const who of order) {
        await redisStats.config('RESETSTAT');
        const redisBefore = await redisCpuUs();
        const lat = await load(portOf[who], REQUESTS, concurrency);
        runs[who].redisUs.push((await redisCpuUs() - redisBefore) / REQUESTS);
        runs[who].commands = await commandsPerRequest(REQUESTS);
        runs[who].p50.push(percentile(lat, 50));
        runs[who].p99.push(percentile(lat, 99));
      }
    }
    for (const who of ['durable', 'devbot'] as const) {
      redisRows.push([concurrency, who, median(runs[who].redisUs).toFixed(0), runs[who].commands.join(', ')]);
    }
    const [b50, b99, s50, s99, d50, d99] = (['bare', 'durable', 'devbot'] as const).flatMap((w) => [median(runs[w].p50), median(runs[w].p99)]) as [number, number, number, number, number, number];
    rows.push([concurrency, b50.toFixed(2), b99.toFixed(2), s50.toFixed(2), s99.toFixed(2), d50.toFixed(2), d99.toFixed(2), (d99 / b99).toFixed(2), (d99 / s99).toFixed(2)]);
    summary.push(`concurrency ${concurrency}: devbot p99 ${d99.toFixed(1)} ms (${(d99 / s99).toFixed(2)}× the durable bare app, ${(d99 / b99).toFixed(2)}× bare)`);
  }
  const out = table(['concurrency', 'bare p50 ms', 'bare p99 ms', 'durable p50 ms', 'durable p99 ms', 'devbot p50 ms', 'devbot p99 ms', 'p99 ÷ bare', 'p99 ÷ durable'], rows);
  const redisOut = table(['concurrency', 'server', 'Redis CPU µs / request', 'commands per request (calls, Redis µs) in the last run'], redisRows);
  console.log(out);
  console.log(redisOut);
  console.log(summary.join('\n'));
  recordSection('ack', `## Slash-command ack latency

Goal: devbot p99 ≤ 1.2× a durable bare Bolt app (one awaited Redis SET before its ack, the floor for an ack that
promises durability), and p99 < 100 ms; the bare app that only acks is shown beside. ${summary.join('; ')}.
Command: \`npm run bench:ack\` (REQUESTS=${REQUESTS} per row and run, RUNS=${RUNS}; figures are the median over runs of each run's p50 / p99).
Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. Each server in its own process (devbot = \`devbot serve\`), load from a third; keep-alive HTTP on loopback; devbot does parse, ACL, audit
append and the BullMQ add on a real local Redis before it acks; the bare app acks a constant; the durable one awaits a SET
on the same Redis, then acks.

${out}

What each costs Redis (its CPU time over the server's own turns; the bare app uses none):

${redisOut}`);
} finally {
  servers.forEach((p) => p.kill('SIGTERM'));
  redisStats.disconnect();
  await fake.close();
  await cluster.stop();
  agent.destroy();
}
// Every handle is closed above; exit anyway so a lingering client socket cannot keep a finished bench alive.
process.exit(0);
