/**
 * A burst in one channel against a Slack that rate-limits: 30 concurrent `/dev status` in one
 * channel through the shipped `devbot serve` + 2 `devbot worker`s, with the strict Web API fake
 * (chat.postMessage ~1/s per channel after a burst of 6, chat.update 50/min, 429 + Retry-After).
 * Goal: 0 429s, and the last report within 1.1× the floor the per-channel limit sets (every post in
 * the channel past the burst needs its own second). Median over runs.
 * Run: npm run bench:slack-burst   (COMMANDS=30, RUNS=3)
 */
import { FAKE_SLACK_LIMITS, type RecordedCall } from '../test/fakes/slack-api.js';
import { startLocalCluster } from '../tools/local-cluster/index.js';
import { machine, median, recordSection, table } from './lib/report.js';
import { startBurstRig } from './lib/shipped-burst.js';
import { typeCommand, type SlackPlace } from './lib/shipped-slack.js';

const COMMANDS = Number(process.env['COMMANDS'] ?? 30);
const RUNS = Number(process.env['RUNS'] ?? 3);
const ALICE: SlackPlace = { userId: 'U0ALICE', channelId: 'C0BURST', channelName: 'burst' };
const { burst, everyMs } = FAKE_SLACK_LIMITS.postMessagePerChannel;

const cluster = await startLocalCluster();
const yaml = `
slack: { port: 0 }
environments: { prod: { etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}] } } }
channels: { burst: { id: ${ALICE.channelId}, environment: prod } }
acl: { rules: [{ name: sre-status, users: [${ALICE.userId}], verbs: [status], channels: [burst], environments: [prod] }] }
alerts: { enabled: false }   # no evaluation ticks in the measurement
`;

interface Run {
  lastReportMs: number;
  floorMs: number;
  posts: number;
  updates: number;
  rateLimited: number;
}

async function once(run: number): Promise<Run> {
  const rig = await startBurstRig({ label: `bench-burst-${run}`, redisUrl: cluster.redisUrl, workers: 2, yaml });
  try {
    const started = Date.now();
    const acks = await Promise.all(Array.from({ length: COMMANDS }, () => typeCommand(rig.serveUrl, ALICE, 'status')));
    const jobs = acks.map((a) => /Queued as job (status-[\w-]+)/.exec(a)?.[1]);
    if (!jobs.every(Boolean)) throw new Error(`not every command was queued: ${acks.filter((a) => !/Queued as job/.test(a)).join(' | ')}`);
    // A report: a message in the channel (posted, or edited in place) that shows the quorum.
    const reports = new Map<string, number>();
    const seen = (c: RecordedCall) => {
      const ts = c.method === 'chat.update' ? String(c.params['ts']) : c.ts;
      if (c.params['channel'] === ALICE.channelId && c.status === 200 && ts && /quorum/i.test(String(c.params['text'])) && !reports.has(ts)) reports.set(ts, c.receivedAt);
      return reports.size >= COMMANDS;
    };
    await Promise.any([rig.slack.waitForCall('chat.postMessage', seen, 180_000), rig.slack.waitForCall('chat.update', seen, 180_000)]);
    const lastReportMs = Math.max(...reports.values()) - started;
    const inChannel = rig.slack.calls.filter((c) => c.params['channel'] === ALICE.channelId && c.status === 200);
    const posts = inChannel.filter((c) => c.method === 'chat.postMessage').length;
    return {
      lastReportMs,
      // Slack lets `burst` posts through at once, then one every `everyMs`: the soonest the last can land.
      floorMs: Math.max(0, posts - burst) * everyMs,
      posts,
      updates: inChannel.filter((c) => c.method === 'chat.update').length,
      rateLimited: rig.slack.calls.filter((c) => c.status === 429).length,
    };
  } finally {
    await rig.stop();
  }
}

try {
  const runs: Run[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await once(run);
    runs.push(r);
    console.log(`run ${run}: last report after ${(r.lastReportMs / 1000).toFixed(1)} s, floor ${(r.floorMs / 1000).toFixed(1)} s (${r.posts} posts in the channel), ${r.updates} updates, ${r.rateLimited} 429s`);
  }
  const rows = runs.map((r, i) => [i + 1, r.posts, r.updates, r.rateLimited, (r.floorMs / 1000).toFixed(1), (r.lastReportMs / 1000).toFixed(1), (r.lastReportMs / r.floorMs).toFixed(2)]);
  const last = median(runs.map((r) => r.lastReportMs));
  const floor = median(runs.map((r) => r.floorMs));
  const limited = median(runs.map((r) => r.rateLimited));
  const ratio = last / floor;
  const out = table(['run', 'posts in channel', 'updates', '429s', 'floor (s)', 'last report (s)', '× floor'], rows);
  console.log(out);
  const verdict = `median last report ${(last / 1000).toFixed(1)} s vs floor ${(floor / 1000).toFixed(1)} s (${ratio.toFixed(2)}×, goal ≤ 1.1×); median 429s ${limited} (goal 0)`;
  console.log(verdict);
  recordSection('slack-burst', `## Slack burst: ${COMMANDS} concurrent \`/dev status\` in one channel (through \`devbot serve\` + 2 \`devbot worker\`)

Goal: 0 429s, last report ≤ 1.1× the floor the per-channel limit sets. **${verdict}** over ${RUNS} runs.
Command: \`npm run bench:slack-burst\` (COMMANDS=${COMMANDS}, RUNS=${RUNS}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Shipped processes (bin/devbot.mjs, \`slack.rateBudget\` at its default, \`shared\`), a fresh prefix and a fresh strict Web API fake per run
(chat.postMessage: a burst of ${burst}, then one per ${everyMs} ms per channel; chat.update 50/min; 429 + Retry-After past either).
Floor = (posts in the channel − ${burst}) × ${everyMs} ms; times from sending the first command to the last report arriving at the fake.

${out}`);
} finally {
  await cluster.stop();
}
process.exit(0);
