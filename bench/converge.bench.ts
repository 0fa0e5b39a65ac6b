/**
 * Converge speed through the shipped processes: `devbot serve` and `devbot worker --config <file>`
 * (bin/devbot.mjs), a local Redis and 3-member etcd, and the fleet fake with the demo's six
 * machines. `/dev converge` goes in as a signed slash command and brings the full catalog
 * (config/services.yaml) up from an empty fleet; units take 1.5 s to start (schedule 300 ms, agents
 * reporting 200 ms late), the Postgres and Redis candidates 4 s. The bound is the critical path of
 * the catalog's dependency graph at the configured parallelism, each service taking its instances
 * one after another; goal ≤ 1.2× that, measured from the command to the job's final message.
 * Run: node --import tsx bench/converge.bench.ts   (RUNS=3 by default)
 */
import { writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { createProcessGroup } from '../test/harness/devbot-processes.js';
import { DEMO_MACHINES, startFleetFake, type FleetFake } from '../tools/fleet-fake/index.js';
import { startLocalCluster } from '../tools/local-cluster/index.js';
import { criticalPath, dependencyGraph } from '../src/units/dependency-order.js';
import { loadCatalog } from '../src/units/load-catalog.js';
import { isTemplated } from '../src/units/unit-names.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { slackEnv, typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const RUNS = Number(process.env['RUNS'] ?? 3);
const PARALLELISM = 4;
const TIMINGS = { scheduleMs: 300, startMs: 1500, stopMs: 500, reportLagMs: 200, staleStateMs: 2000 };
const SLOW = { 'postgres@*': 4000, 'redis@*': 4000 } as const;
const ALICE: SlackPlace = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops' };

// The bound: every unit takes schedule + start + the agent's report; a service's instances go one after another.
const catalog = loadCatalog('config/services.yaml');
const unitMs = (service: string) => TIMINGS.scheduleMs + TIMINGS.reportLagMs + (service === 'postgres' || service === 'redis' ? 4000 : TIMINGS.startMs);
const durations = Object.fromEntries(Object.entries(catalog.services).map(([name, s]) => [name, (isTemplated(s) ? s.instances : 1) * unitMs(name)]));
const bound = criticalPath(dependencyGraph(catalog), durations, PARALLELISM);
const unlimited = criticalPath(dependencyGraph(catalog), durations, 1000);
console.log(`critical path at parallelism ${PARALLELISM}: ${(bound.ms / 1000).toFixed(1)} s (${bound.path.join(' → ')}); unlimited: ${(unlimited.ms / 1000).toFixed(1)} s`);

const cluster = await startLocalCluster();
const slack = await startFakeSlackApi();
const group = createProcessGroup('bench-converge');
let fleet: FleetFake = await startFleetFake({ machines: DEMO_MACHINES, timings: TIMINGS });
const port = new URL(fleet.url).port;
const slowDown = (f: FleetFake) => Object.entries(SLOW).forEach(([unit, ms]) => f.injectFailure({ kind: 'slow-start', unit, ms: ms - TIMINGS.startMs }));
slowDown(fleet);
const configFile = join(group.dir, 'devbot.yaml');
writeFileSync(configFile, `
slack: { port: 0 }
redis: { prefix: bench-converge }
jobs: { queue: bench-converge }
ops: { servePort: 0, workerPort: 0 }
environments:
  local:
    etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] }
    fleet: { url: "${fleet.url}", catalog: ${resolve('config/services.yaml')}, pollMs: 100, convergeParallelism: ${PARALLELISM}, historyPrefix: bench-converge/deployments }
channels: { ops: { id: ${ALICE.channelId}, environment: local } }
acl: { rules: [{ name: ops, users: [${ALICE.userId}], verbs: ['*'], channels: [ops], environments: [local] }] }
alerts: { enabled: false }   # no evaluation ticks competing with the converge for the worker
`);
const env = slackEnv(cluster.redisUrl, slack.url);
const rows: Array<Array<string | number>> = [];
const times: number[] = [];
try {
  const [serve] = await Promise.all([
    group.startShipped('serve', 'serve', { configFile, env }),
    group.startShipped('worker', 'worker', { configFile, env: { ...env, PATH: `${resolve('tools/fleet-fake/health-tools')}${delimiter}${process.env['PATH'] ?? ''}` } }),
  ]);
  const serveUrl = `http://127.0.0.1:${serve!.port}`;
  for (let run = 1; run <= RUNS; run++) {
    if (run > 1) {
      // From empty again: a fresh fleet on the same address (the config names it).
      await fleet.close();
      fleet = await startFleetFake({ machines: DEMO_MACHINES, timings: TIMINGS, port: Number(port) });
      slowDown(fleet);
    }
    const typedAt = Date.now();
    const ack = await typeCommand(serveUrl, ALICE, 'converge');
    const jobId = /Queued as job (\S+)\./.exec(ack)?.[1];
    if (!jobId) throw new Error(`run ${run}: /dev converge was answered "${ack}"`);
    const end = await slack.waitForCall('chat.update', (c) => String(c.params['text']).includes(`(job ${jobId},`) && /^Converge of local — (succeeded|failed)/.test(String(c.params['text'])), 180_000);
    const text = String(end.params['text']);
    if (!/— succeeded/.test(text)) throw new Error(`run ${run}: ${text}`);
    const ms = end.receivedAt - typedAt;
    const own = /units active .* in ([\d.]+) s\./.exec(text)?.[1];
    times.push(ms);
    rows.push([run, (ms / 1000).toFixed(1), own ?? '?', (ms / bound.ms).toFixed(2)]);
  }
  const out = table(['run', 'command → final message (s)', "job's own time (s)", '× critical path'], rows);
  const ratio = median(times) / bound.ms;
  console.log(out);
  console.log(`median ${(median(times) / 1000).toFixed(1)} s = ${ratio.toFixed(2)}× the critical path ${(bound.ms / 1000).toFixed(1)} s (goal ≤ 1.2×)`);
  recordSection('converge', `## Converge: the full catalog from an empty fleet (through \`devbot serve\` + \`devbot worker\`)

Goal ≤ 1.2× the critical path of the catalog's dependency graph at parallelism ${PARALLELISM}. **Median ${(median(times) / 1000).toFixed(1)} s = ${ratio.toFixed(2)}×**
the critical path of ${(bound.ms / 1000).toFixed(1)} s (${bound.path.join(' → ')}) over ${RUNS} runs; with unlimited parallelism the path would be ${(unlimited.ms / 1000).toFixed(1)} s.
Command: \`node --import tsx bench/converge.bench.ts\` (RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Shipped \`devbot serve\` and \`devbot worker --config devbot.yaml\` (bin/devbot.mjs), a local Redis and 3-member etcd (deployment history),
the fleet fake with the demo's six machines: schedule 300 ms, start 1.5 s (Postgres and Redis candidates 4 s), agents reporting 200 ms
late, a destroyed unit's row lingering 2 s; fleet polled every 100 ms; health checks run for real against the fake's containers.
The bound gives each unit schedule + start + report time, a service's instances one after another, services list-scheduled
${PARALLELISM} at a time by longest chain of dependants (src/units/dependency-order.ts \`criticalPath\`). Timed from the signed
\`/dev converge\` POST to the job's final \`chat.update\` (which the message's ~1/s pace may delay by up to a second).
The bound is a model, not a floor: a run under 1.0× means the real waves packed the slots better than the model's
list schedule (its path is the service that finished last, "redis" when it waited for a free slot, not a dependency).

${out}`);
} finally {
  await group.stop();
  await fleet.close();
  await slack.close();
  await cluster.stop();
}
process.exit(0);
