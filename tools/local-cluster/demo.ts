/**
 * `npm run demo`: a local Redis and 3-member etcd, a `devbot worker`, and `devbot console` as user
 * `demo` in #ops, using the embedded default config (config/demo.yaml). Stops everything on exit.
 * Exit code: the console's (non-zero when a job failed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { createBullmqQueue } from '../../src/adapters/bullmq/bullmq-queue.js';
import { CURRENT_DEMO_STATE } from '../../src/cli/local-cluster.js';
import { DEMO_MACHINES, startFleetFake, type FleetFake } from '../fleet-fake/index.js';
import { superviseCandidates, type SupervisedCandidates } from './candidates.js';
import { ensureInstalled, startLocalCluster, waitFor } from './index.js';

const say = (line: string) => process.stderr.write(`[demo] ${line}\n`);

function writeDemoConfig(dir: string, redisUrl: string, endpoints: string[], fleetUrl: string): string {
  const config = parse(readFileSync('config/demo.yaml', 'utf8')) as { environments: { local: { etcd: { endpoints: string[] }; fleet: { url: string } } } };
  config.environments.local.etcd.endpoints = endpoints;
  config.environments.local.fleet.url = fleetUrl;
  const file = join(dir, 'devbot.yaml');
  writeFileSync(file, `# written by npm run demo\n${stringify({ ...config, redis: { url: redisUrl, prefix: 'devbot-demo' } })}`);
  return file;
}

function devbot(args: string[], stdio: 'inherit' | number, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { stdio: stdio === 'inherit' ? 'inherit' : ['ignore', stdio, stdio], env });
}

/**
 * The worker runs the catalog's command health checks (mysqladmin ping, ssh-keyscan) against the
 * fake's machines, whose containers speak no MySQL or SSH: the fake's stand-ins come first on its PATH.
 */
const workerEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${resolve('tools/fleet-fake/health-tools')}${delimiter}${process.env['PATH'] ?? ''}` });

async function main(): Promise<number> {
  // Off EC2 the SDK's credential chain would otherwise probe the instance metadata address.
  process.env['AWS_EC2_METADATA_DISABLED'] ??= 'true';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  try {
    ensureInstalled(say);
  } catch (e) {
    say((e as Error).message);
    return 2;
  }
  say('starting Redis and a 3-member etcd cluster on free loopback ports…');
  const cluster = await startLocalCluster({ parentDir: '.local-cluster' });
  // So that `devbot local-cluster stop e2` (in another terminal) finds this cluster.
  writeFileSync(CURRENT_DEMO_STATE, cluster.stateFile);
  let worker: ChildProcess | undefined;
  let candidates: SupervisedCandidates | undefined;
  let fleet: FleetFake | undefined;
  // Ctrl-C reaches the whole process group: the console and worker stop themselves, we clean up after.
  process.on('SIGINT', () => {});
  try {
    // fleet's API, faked: six machines (three main, a worker, two data nodes); units take ~2 s to
    // start; agents report 200 ms late and a destroyed unit's row lingers 2 s, as fleet's do.
    fleet = await startFleetFake({ machines: DEMO_MACHINES, timings: { scheduleMs: 300, startMs: 1500, stopMs: 500, reportLagMs: 200, staleStateMs: 2000 } });
    const configFile = writeDemoConfig(cluster.dir, cluster.redisUrl, cluster.etcd.endpoints, fleet.url);
    candidates = superviseCandidates({ endpoints: cluster.etcd.endpoints, election: 'postgres', names: ['pg-1', 'pg-2', 'pg-3'], logDir: cluster.dir });
    worker = devbot(['worker', '--config', configFile], openSync(join(cluster.dir, 'worker.log'), 'a'), workerEnv());
    const queue = createBullmqQueue({ redisUrl: cluster.redisUrl, prefix: 'devbot-demo', queueName: 'devbot', commandTimeoutMs: 1500 });
    try {
      await waitFor('the worker to connect', async () => (await queue.counts().catch(() => ({ workers: 0 }))).workers > 0, { timeoutMs: 30_000, intervalMs: 100 });
    } finally {
      await queue.close();
    }
    say(`ready: etcd ${cluster.etcd.endpoints.join(' ')}, redis ${cluster.redisUrl}, fleet ${fleet.url} (${fleet.machines.length} machines); logs in ${cluster.dir}`);
    const console = devbot(['console', '--config', configFile, '--as', 'demo', '--in', 'ops'], 'inherit');
    return await new Promise<number>((resolve) => console.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    await candidates?.stop();
    await fleet?.close();
    worker?.kill('SIGTERM');
    if (worker && worker.exitCode === null) await new Promise((r) => worker!.once('exit', r));
    rmSync(CURRENT_DEMO_STATE, { force: true });
    await cluster.stop();
    say('stopped everything the demo started');
  }
}

process.exitCode = await main();
