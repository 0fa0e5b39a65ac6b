/**
 * What the soak (bench/soak.bench.ts) runs against, all of it its own: a local Redis and 3-member
 * etcd (tools/local-cluster), an S3 server for the snapshots (s3rver), the fleet fake with the demo's
 * machines and a catalog of its own, `etcdctl elect` candidates for postgres (restarted when they
 * exit, as the demo runs them), the STRICT Slack Web API fake (rate limits, Block Kit limits,
 * not_in_channel outside the 5 channels the bot was added to), and the shipped processes: 2
 * `devbot serve` + 2 `devbot worker --config devbot.yaml` (bin/devbot.mjs) with the config a team
 * would write. Nothing of devbot runs in this process.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startFakeSlackApi, type FakeSlackApi } from '../../test/fakes/slack-api.js';
import { createProcessGroup, type DevbotProcess, type ProcessGroup } from '../../test/harness/devbot-processes.js';
import { startS3Server, type S3Server } from '../../test/harness/s3-server.js';
import { DEMO_MACHINES, startFleetFake, type FleetFake } from '../../tools/fleet-fake/index.js';
import { superviseCandidates, type SupervisedCandidates } from '../../tools/local-cluster/candidates.js';
import { startLocalCluster, waitFor, type LocalCluster } from '../../tools/local-cluster/index.js';
import { writeCatalog, type BenchService } from './fleet-units.js';
import { slackEnv, type SlackPlace } from './shipped-slack.js';

/** The 5 channels (Slack ids as a workspace has them), all bound to the one environment. */
export const CHANNELS = [
  { name: 'ops', id: 'C0SOAKOPS1' },
  { name: 'deploys', id: 'C0SOAKDEP2' },
  { name: 'platform', id: 'C0SOAKPLT3' },
  { name: 'backend', id: 'C0SOAKBCK4' },
  { name: 'frontend', id: 'C0SOAKFRN5' },
] as const;
/** 20 people: 16 operators (every verb), 4 viewers (read-only verbs). */
export const OPERATORS = Array.from({ length: 16 }, (_, i) => `U0SOAK${String(i + 1).padStart(2, '0')}`);
export const VIEWERS = Array.from({ length: 4 }, (_, i) => `U0SOAK${String(i + 17).padStart(2, '0')}`);
export const USERS = [...OPERATORS, ...VIEWERS];
export const SERVICES: BenchService[] = Array.from({ length: 8 }, (_, i) => ({ name: `svc-${String(i + 1).padStart(2, '0')}`, instances: 2 }));
export const BUCKET = 'soak-snapshots';
export const SNAPSHOT_INTERVAL_MS = 60_000;

/** The user's place: each person works in one channel (user n in channel n mod 5). */
export function placeOf(userId: string): SlackPlace {
  const n = USERS.indexOf(userId);
  const c = CHANNELS[n % CHANNELS.length]!;
  return { userId, channelId: c.id, channelName: c.name };
}

export interface SoakRig {
  cluster: LocalCluster;
  slack: FakeSlackApi;
  fleet: FleetFake;
  s3: S3Server;
  group: ProcessGroup;
  serves: DevbotProcess[];
  workers: DevbotProcess[];
  /** redis.prefix of the config: the jobs' saved progress is under it. */
  prefix: string;
  /** Copies every process log to a directory that outlives the run; returns it. */
  keepLogs(): string;
  stop(): Promise<void>;
}

/** The devbot.yaml a team would write for this cluster (Redis URL and secrets come from the environment). */
function configYaml(r: { endpoints: string[]; fleetUrl: string; catalog: string; prefix: string }): string {
  return `# devbot.yaml — one environment, five channels, twenty people
slack: { port: 0 }
redis: { prefix: ${r.prefix} }
jobs: { queue: ${r.prefix}, concurrency: 4 }
ops: { servePort: 0, workerPort: 0 }
environments:
  local:
    etcd:
      endpoints: [${r.endpoints.join(', ')}]
      backup:
        intervalMs: ${SNAPSHOT_INTERVAL_MS}   # a verified snapshot every minute
        destination: { s3: { bucket: ${BUCKET}, prefix: soak } }
    databases:
      postgres: { electionPrefix: postgres, candidates: 3, leaseTtlSeconds: 60, failoverTimeoutMs: 15000 }
    fleet: { url: "${r.fleetUrl}", catalog: ${r.catalog}, pollMs: 250, historyPrefix: ${r.prefix}/deployments }
channels:
${CHANNELS.map((c) => `  ${c.name}: { id: ${c.id}, environment: local }`).join('\n')}
alerts:
  channels: [ops]   # the on-call channel; the rest is for work
acl:
  groups:
    operators: [${OPERATORS.join(', ')}]
    viewers: [${VIEWERS.join(', ')}]
  rules:
    - { name: operators, groups: [operators], verbs: ['*'], channels: ['*'], environments: [local] }
    - { name: viewers, groups: [viewers], verbs: [status, jobs, locks, alerts, help, units, machines, deployments], channels: ['*'], environments: [local] }
`;
}

export async function startSoakRig(): Promise<SoakRig> {
  const cluster = await startLocalCluster();
  const s3 = await startS3Server([BUCKET]);
  const slack = await startFakeSlackApi({ strict: true, memberChannels: CHANNELS.map((c) => c.id) });
  const fleet = await startFleetFake({ machines: DEMO_MACHINES, timings: { scheduleMs: 300, startMs: 1500, stopMs: 500, reportLagMs: 200, staleStateMs: 2000 }, containers: false });
  const group = createProcessGroup('bench-soak');
  let candidates: SupervisedCandidates | undefined;
  const prefix = `soak-${Date.now()}`;
  const catalog = join(group.dir, 'services.yaml');
  writeCatalog(catalog, SERVICES);
  const configFile = join(group.dir, 'devbot.yaml');
  writeFileSync(configFile, configYaml({ endpoints: cluster.etcd.endpoints, fleetUrl: fleet.url, catalog, prefix }));
  const env = { ...slackEnv(cluster.redisUrl, slack.url), ...s3.env };
  const keepLogs = () => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-logs-'));
    mkdirSync(join(dir, 'cluster'), { recursive: true });
    cpSync(group.dir, dir, { recursive: true });
    cpSync(cluster.dir, join(dir, 'cluster'), { recursive: true, filter: (src) => !/\/(member|snap|wal)(\/|$)/.test(src) && !src.endsWith('.db') });
    return dir;
  };
  const stop = async () => {
    await candidates?.stop();
    await group.stop();
    await fleet.close();
    await slack.close();
    await s3.close();
    await cluster.stop();
  };
  try {
    candidates = superviseCandidates({ endpoints: cluster.etcd.endpoints, election: 'postgres', names: ['pg-1', 'pg-2', 'pg-3'], logDir: cluster.dir });
    const [serves, workers] = await Promise.all([
      Promise.all(['serve-a', 'serve-b'].map((n) => group.startShipped('serve', n, { configFile, env }))),
      Promise.all(['worker-a', 'worker-b'].map((n) => group.startShipped('worker', n, { configFile, env }))),
    ]);
    const connection = new Redis(cluster.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(prefix, { connection, prefix });
    try {
      await waitFor('2 workers on the queue', async () => (await queue.getWorkersCount()) >= 2, { timeoutMs: 60_000, intervalMs: 200 });
    } finally {
      await queue.close();
      connection.disconnect();
    }
    return { cluster, slack, fleet, s3, group, serves, workers, prefix, keepLogs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Resident memory of a process, in MiB (/proc/<pid>/status VmRSS). */
export function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** JSON log lines of a process with this `msg`. */
export function logLines(p: DevbotProcess, msg: string): Array<Record<string, unknown>> {
  return readFileSync(p.logFile, 'utf8').split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A job's saved progress, as the worker wrote it (the job-state store in Redis): its message and result. */
export interface SavedProgress {
  message?: { channel: string; ts: string };
  result?: { outcome: string; summary: string; endedAt: string };
  resumed?: number;
}

/** Every job's saved progress under the rig's prefix, by job id. */
export async function savedProgress(redisUrl: string, prefix: string): Promise<Map<string, SavedProgress>> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    const out = new Map<string, SavedProgress>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*:progress:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const raw = await redis.get(key);
        if (raw) out.set(key.slice(key.lastIndexOf(':progress:') + ':progress:'.length), JSON.parse(raw) as SavedProgress);
      }
    } while (cursor !== '0');
    return out;
  } finally {
    redis.disconnect();
  }
}
