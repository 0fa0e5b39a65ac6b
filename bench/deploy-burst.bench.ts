/**
 * Deploys at once against a Slack that rate-limits: 10 concurrent `/dev deploy` in 3 channels,
 * each rolling out 2 instances on the fleet fake with live progress (one message per job updated in
 * place, step lines in its thread), through the shipped `devbot serve` + 2 `devbot worker`s and the
 * strict Web API fake. Goal: 0 429s, and no message whose final state lands later than 2 s after its
 * job ended (the end the job records in its saved progress, `result.endedAt`). Median over runs.
 * Run: npm run bench:deploy-burst   (DEPLOYS=10, RUNS=3)
 */
import { Redis } from 'ioredis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedCall } from '../test/fakes/slack-api.js';
import { DEMO_MACHINES, startFleetFake } from '../tools/fleet-fake/index.js';
import { startLocalCluster } from '../tools/local-cluster/index.js';
import { writeCatalog } from './lib/fleet-units.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { startBurstRig } from './lib/shipped-burst.js';
import { typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const DEPLOYS = Number(process.env['DEPLOYS'] ?? 10);
const RUNS = Number(process.env['RUNS'] ?? 3);
const LATE_MS = 2000;
const TIMINGS = { scheduleMs: 300, startMs: 1500, stopMs: 500, reportLagMs: 200 };
const CHANNELS: SlackPlace[] = ['a', 'b', 'c'].map((x) => ({ userId: 'U0ALICE', channelId: `C0DEPLOY${x.toUpperCase()}`, channelName: `deploy-${x}` }));
const SERVICES = Array.from({ length: DEPLOYS }, (_, i) => ({ name: `svc-${String(i + 1).padStart(2, '0')}`, instances: 2 }));

const cluster = await startLocalCluster();
const redis = new Redis(cluster.redisUrl);

interface Run {
  rateLimited: number;
  updates: number;
  /** Per job: from its recorded end to its final state at the fake. */
  lateness: number[];
  jobMs: number[];
}

async function once(run: number): Promise<Run> {
  const fleet = await startFleetFake({ machines: DEMO_MACHINES, timings: TIMINGS, containers: false });
  const catalog = join(mkdtempSync(join(tmpdir(), 'bench-deploy-burst-')), 'services.yaml');
  writeCatalog(catalog, SERVICES);
  const yaml = `
slack: { port: 0 }
environments:
  local:
    etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] }
    fleet: { url: "${fleet.url}", catalog: ${catalog}, pollMs: 100, historyPrefix: bench-deploy-burst-${run}/deployments }
channels:
${CHANNELS.map((c) => `  ${c.channelName}: { id: ${c.channelId}, environment: local }`).join('\n')}
acl: { rules: [{ name: deployers, users: [U0ALICE], verbs: [deploy], channels: ['*'], environments: [local] }] }
alerts: { enabled: false }
`;
  const rig = await startBurstRig({ label: `bench-deploy-burst-${run}`, redisUrl: cluster.redisUrl, workers: 2, concurrency: Math.ceil(DEPLOYS / 2), yaml }); // every deploy runs at once across the 2 workers
  try {
    const prefix = `bench-deploy-burst-${run}`;
    const acks = await Promise.all(SERVICES.map((s, i) => typeCommand(rig.serveUrl, CHANNELS[i % CHANNELS.length]!, `deploy ${s.name}`)));
    const jobs = acks.map((a) => /Queued as job (\S+)\./.exec(a)?.[1]);
    if (!jobs.every(Boolean)) throw new Error(`not every deploy was queued: ${acks.join(' | ')}`);
    // Each job's final state: its message's edit (or post) that reads succeeded / failed / cancelled.
    const landed = new Map<string, RecordedCall>();
    const seen = (c: RecordedCall) => {
      const text = String(c.params['text']);
      const jobId = jobs.find((j) => text.includes(`(job ${j},`));
      if (c.status === 200 && jobId && !landed.has(jobId) && / — (succeeded|failed|cancelled) /.test(text)) landed.set(jobId, c);
      return landed.size >= jobs.length;
    };
    await Promise.any([rig.slack.waitForCall('chat.update', seen, 120_000), rig.slack.waitForCall('chat.postMessage', seen, 120_000)]);
    const failed = [...landed.values()].filter((c) => !/ — succeeded /.test(String(c.params['text'])));
    if (failed.length) throw new Error(`run ${run}: ${String(failed[0]!.params['text']).slice(0, 400)}`);
    const finals = [...landed].map(([jobId, c]) => ({ jobId, landedAt: c.receivedAt }));
    const lateness: number[] = [];
    const jobMs: number[] = [];
    for (const { jobId, landedAt } of finals) {
      // The job's own record of when it ended (saved just before its final message is sent).
      const keys = await redis.keys(`${prefix}-*:progress:${jobId}`);
      const saved = JSON.parse((await redis.get(keys[0] ?? '')) ?? '{}') as { startedAt?: string; result?: { endedAt?: string } };
      if (!saved.result?.endedAt || !saved.startedAt) throw new Error(`no saved end for ${jobId}`);
      lateness.push(landedAt - Date.parse(saved.result.endedAt));
      jobMs.push(Date.parse(saved.result.endedAt) - Date.parse(saved.startedAt));
    }
    return {
      rateLimited: rig.slack.calls.filter((c) => c.status === 429).length,
      updates: rig.slack.callsTo('chat.update').filter((c) => c.status === 200).length,
      lateness,
      jobMs,
    };
  } finally {
    await rig.stop();
    await fleet.close();
  }
}

try {
  const runs: Run[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await once(run);
    runs.push(r);
    console.log(`run ${run}: ${r.rateLimited} 429s, ${r.updates} updates, final state after the job's end: max ${Math.max(...r.lateness)} ms, median ${median(r.lateness)} ms; ${r.lateness.filter((l) => l > LATE_MS).length} later than ${LATE_MS} ms`);
  }
  const rows = runs.map((r, i) => [i + 1, r.rateLimited, r.updates, (median(r.jobMs) / 1000).toFixed(1), median(r.lateness), Math.max(...r.lateness), r.lateness.filter((l) => l > LATE_MS).length]);
  const out = table(['run', '429s', 'updates', 'median job (s)', 'median end → final state (ms)', 'max end → final state (ms)', `later than ${LATE_MS} ms`], rows);
  const maxLate = median(runs.map((r) => Math.max(...r.lateness)));
  const limited = median(runs.map((r) => r.rateLimited));
  const verdict = `median over runs of the latest final state ${maxLate} ms after its job ended (goal ≤ ${LATE_MS} ms); median 429s ${limited} (goal 0)`;
  console.log(out);
  console.log(verdict);
  recordSection('deploy-burst', `## Deploy burst: ${DEPLOYS} concurrent deploys in ${CHANNELS.length} channels (through \`devbot serve\` + 2 \`devbot worker\`)

Goal: 0 429s, no final state later than ${LATE_MS} ms after its job ended. **${verdict}** over ${RUNS} runs.
Command: \`npm run bench:deploy-burst\` (DEPLOYS=${DEPLOYS}, RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Shipped processes (bin/devbot.mjs, \`slack.rateBudget\` at its default, \`shared\`), a fresh prefix, fleet fake (demo machines; schedule
${TIMINGS.scheduleMs} ms, start ${TIMINGS.startMs} ms, agents ${TIMINGS.reportLagMs} ms late) and strict Web API fake per run; each deploy rolls out 2 instances
one at a time with its steps as progress. "End" is \`result.endedAt\` in the job's saved progress; "final state" its message's last edit at the fake.

${out}`);
} finally {
  redis.disconnect();
  await cluster.stop();
}
process.exit(0);
