/**
 * Alert speed through the shipped process: `devbot worker --config <file>` (two of them, as a
 * deployment runs replicas) against a local 3-member etcd. Nothing of devbot runs in this process:
 * it only writes the config, kills / freezes / restarts members and watches the Slack fake.
 *  - kill 2 members → "quorum lost" reaches the fake; restart them → the same message says resolved
 *    (RUNS times). Goal p50 ≤ 1.0 s, p99 ≤ 1.5 s each.
 *  - freeze 2 members (SIGSTOP: no connection breaks, as on a hung machine or a partition) → the
 *    alert (FROZEN_RUNS times): here the probe deadline is the floor, and the tick the wait.
 *  - no false alarm: restart the leader, then a follower (1 of 3 down each time, RESTARTS times),
 *    then HEALTHY_S seconds of a healthy cluster: no "quorum lost", nothing at all while healthy.
 * The workers' CPU time over the healthy stretch is the standing cost of the watch streams and ticks.
 * Each timed run starts from 6 s without a member stream change. About 4 min with the defaults.
 * Run: npm run bench:alerts   (RUNS=20 FROZEN_RUNS=3 RESTARTS=4 HEALTHY_S=60; HEALTHY_S=600 for the 10-minute check)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeSlackApi } from '../test/fakes/slack-api.js';
import { createProcessGroup, type DevbotProcess } from '../test/harness/devbot-processes.js';
import { freezeMember, isEtcdHealthy, startLocalCluster, startMember, stopMember, thawMember, waitFor } from '../tools/local-cluster/index.js';
import { machine, median, percentile, recordSection, table } from './lib/report.js';

const RUNS = Number(process.env['RUNS'] ?? 20);
const FROZEN_RUNS = Number(process.env['FROZEN_RUNS'] ?? 3);
const RESTARTS = Number(process.env['RESTARTS'] ?? 4);
const HEALTHY_S = Number(process.env['HEALTHY_S'] ?? 60);
/** etcd.probeTimeoutMs (the default): no quorum can be told from a member that answers nothing before it. */
const PROBE_DEADLINE_MS = 500;
const INTERVAL_MS = Number(process.env['INTERVAL_MS'] ?? 2000);
/**
 * A worker evaluates every 250 ms for 5 s after a member stream changes (src/alerts/start-triggers.ts).
 * Each timed run starts after a quiet stretch longer than that, so it is timed from the steady
 * state (ticks only), not helped by the burst the previous run's restart set off.
 */
const QUIET_MS = 6_000;
// Plus a random part of an interval, so a run does not start at the same phase of the tick every time.
const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS + Math.random() * INTERVAL_MS));

const cluster = await startLocalCluster();
const fake = await startFakeSlackApi();
const group = createProcessGroup('bench-alerts');
const configFile = join(group.dir, 'devbot.yaml');
writeFileSync(configFile, `
redis: { prefix: bench-alerts }
ops: { workerPort: 0 }
environments: { local: { etcd: { endpoints: [${cluster.etcd.endpoints.join(', ')}], probeTimeoutMs: ${PROBE_DEADLINE_MS} } } }
channels: { ops: { id: C_OPS, environment: local } }
alerts: { repeatMs: 0, intervalMs: ${INTERVAL_MS} }   # every incident gets a message of its own, so each run measures a fresh post
`);
const env = { DEVBOT_REDIS_URL: cluster.redisUrl, DEVBOT_SLACK_BOT_TOKEN: 'xoxb-bench', DEVBOT_SLACK_API_URL: fake.url };
const names = cluster.etcd.members.map((m) => m.name);
const allHealthy = async () => (await Promise.all(cluster.etcd.members.map((m) => isEtcdHealthy(m.clientUrl)))).every(Boolean);
const text = (c: { params: Record<string, unknown> }) => String(c.params['text']);

/** Which member leads, as etcd's own gateway says (no devbot code). */
async function leaderName(): Promise<string> {
  for (const m of cluster.etcd.members) {
    const res = await fetch(`${m.clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) }).catch(() => undefined);
    const body = (await res?.json().catch(() => undefined)) as { header?: { member_id?: string }; leader?: string } | undefined;
    if (body?.leader && body.leader === body.header?.member_id) return m.name;
  }
  throw new Error('no member says it leads');
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(p: DevbotProcess): number {
  const fields = readFileSync(`/proc/${p.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s on Linux)
}

/**
 * When the survivor's /health first says healthy (a linearizable read through it answered): quorum
 * is back, by etcd's own word. Without quorum a /health call hangs, so one is sent every 25 ms
 * without waiting for the last: the first healthy answer comes within a few ms of quorum's return.
 */
function quorumBackAt(): Promise<number> {
  const survivor = cluster.etcd.members.find((m) => m.name === 'e1')!;
  return new Promise((resolve) => {
    const ask = setInterval(() => {
      void isEtcdHealthy(survivor.clientUrl, 3_000).then((ok) => {
        if (!ok) return;
        clearInterval(ask);
        resolve(Date.now());
      });
    }, 25);
  });
}

async function timeKill(): Promise<{ fire: number; resolve: number; quorumBack: number }> {
  const killedAt = Date.now();
  await Promise.all(['e2', 'e3'].map((m) => stopMember(cluster.stateFile, m)));
  const alert = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= killedAt && /lost quorum/.test(text(c)), 20_000);
  const restartedAt = Date.now();
  const back = quorumBackAt();
  await Promise.all(['e2', 'e3'].map((m) => startMember(cluster.stateFile, m)));
  const resolved = await fake.waitForCall('chat.update', (c) => c.receivedAt >= restartedAt && c.params['ts'] === alert.ts && /^RESOLVED/.test(text(c)), 20_000);
  const quorumBack = (await back) - restartedAt;
  await waitFor('every member healthy again', allHealthy);
  return { fire: alert.receivedAt - killedAt, resolve: resolved.receivedAt - restartedAt, quorumBack };
}

/** Freeze → alert, and thaw → resolved (a thawed member breaks no stream either: the tick finds it). */
async function timeFreeze(): Promise<{ fire: number; resolve: number }> {
  const frozenAt = Date.now();
  await Promise.all(['e2', 'e3'].map((m) => freezeMember(cluster.stateFile, m)));
  let thawedAt = 0;
  try {
    const alert = await fake.waitForCall('chat.postMessage', (c) => c.receivedAt >= frozenAt && /lost quorum/.test(text(c)), 20_000);
    thawedAt = Date.now();
    await Promise.all(['e2', 'e3'].map((m) => thawMember(cluster.stateFile, m)));
    // The next incident must start from a resolved alert, or it would update this message rather than post.
    const resolved = await fake.waitForCall('chat.update', (c) => c.receivedAt >= thawedAt && c.params['ts'] === alert.ts && /^RESOLVED/.test(text(c)), 20_000);
    return { fire: alert.receivedAt - frozenAt, resolve: resolved.receivedAt - thawedAt };
  } finally {
    if (!thawedAt) await Promise.all(['e2', 'e3'].map((m) => thawMember(cluster.stateFile, m)));
    await waitFor('every member healthy again', allHealthy, { timeoutMs: 20_000 });
  }
}

const killRows: Array<Array<string | number>> = [];
const fire: number[] = [];
const resolve: number[] = [];
const quorumBack: number[] = [];
const frozen: number[] = [];
const thawed: number[] = [];
try {
  const workers = await Promise.all(['worker-1', 'worker-2'].map((name) => group.startShipped('worker', name, { configFile, env })));
  await Promise.all(workers.map((w) => group.waitForLog(w, '"msg":"alert evaluation scheduled"')));
  // Timed runs start once an evaluation has run: a worker's first one also connects to etcd.
  await Promise.any(workers.map((w) => group.waitForLog(w, '"msg":"job finished"', 20_000)));
  for (let run = 1; run <= RUNS; run++) {
    await quiet();
    const t = await timeKill();
    fire.push(t.fire);
    resolve.push(t.resolve);
    quorumBack.push(t.quorumBack);
    killRows.push([run, t.fire, t.quorumBack, t.resolve]);
  }
  for (let run = 1; run <= FROZEN_RUNS; run++) {
    await quiet();
    const t = await timeFreeze();
    frozen.push(t.fire);
    thawed.push(t.resolve);
  }

  // No false alarm: 1 of 3 down (the leader, then a follower), then a healthy stretch.
  const falseFrom = Date.now();
  for (let i = 0; i < RESTARTS; i++) {
    const leader = await leaderName();
    const victim = i % 2 === 0 ? leader : names.find((n) => n !== leader)!;
    await stopMember(cluster.stateFile, victim);
    await waitFor(`the warning about ${victim}`, () => fake.callsTo('chat.postMessage').some((c) => c.receivedAt >= falseFrom && new RegExp(`member ${victim} .*unreachable`).test(text(c))), { timeoutMs: 20_000 });
    await startMember(cluster.stateFile, victim);
    await waitFor('every member healthy again', allHealthy, { timeoutMs: 20_000 });
  }
  const quorumDuringRestarts = fake.callsTo('chat.postMessage').filter((c) => c.receivedAt >= falseFrom && /lost quorum/.test(text(c))).length;
  // Let the restarts' warnings resolve (and their leader-change notes post) before the quiet stretch.
  await new Promise((r) => setTimeout(r, 5_000));
  const quietFrom = Date.now();
  const cpuBefore = workers.map(cpuSeconds);
  await new Promise((r) => setTimeout(r, HEALTHY_S * 1000));
  const cpuMsPerS = workers.map((w, i) => Math.round(((cpuSeconds(w) - cpuBefore[i]!) * 1000) / HEALTHY_S));
  const whileHealthy = [...fake.callsTo('chat.postMessage'), ...fake.callsTo('chat.update')].filter((c) => c.receivedAt >= quietFrom).length;

  const summary = [
    `kill 2 of 3 → alert: p50 ${percentile(fire, 50)} ms, p99 ${percentile(fire, 99)} ms; restart → resolved: p50 ${percentile(resolve, 50)} ms, p99 ${percentile(resolve, 99)} ms (goal p50 ≤ 1000, p99 ≤ 1500) over ${RUNS} runs; of which etcd itself (restart → quorum back): median ${median(quorumBack)} ms`,
    `freeze 2 of 3 → alert: median ${median(frozen)} ms, max ${Math.max(...frozen)} ms over ${FROZEN_RUNS} runs — floor: probe deadline ${PROBE_DEADLINE_MS} ms (+ the wait for the ${INTERVAL_MS} ms tick); thaw → resolved: median ${median(thawed)} ms`,
    `false alarms: ${quorumDuringRestarts} "quorum lost" over ${RESTARTS} restarts of 1 of 3 members (leader and follower alternately); ${whileHealthy} Slack calls over ${HEALTHY_S} s of a healthy cluster`,
    `standing cost while healthy: ${cpuMsPerS.join(' / ')} ms of CPU per second per worker (watch streams + ${INTERVAL_MS} ms ticks)`,
  ];
  const out = table(['run', 'kill 2 → alert posted (ms)', 'restart → quorum back, etcd /health (ms)', 'restart → resolved posted (ms)'], killRows);
  console.log(out);
  console.log(summary.join('\n'));
  recordSection('alerts', `## Alerts: etcd quorum lost → alert, restart → resolved (through \`devbot worker\`)

Goal p50 ≤ 1.0 s, p99 ≤ 1.5 s each; no false alarm. **Kill → alert p50 ${percentile(fire, 50)} ms / p99 ${percentile(fire, 99)} ms; restart → resolved
p50 ${percentile(resolve, 50)} ms / p99 ${percentile(resolve, 99)} ms** over ${RUNS} runs. Floor: the ${PROBE_DEADLINE_MS} ms probe deadline, which only a member that
hangs makes anyone wait for (a killed one refuses connections at once, and too few answers make the pending reads moot).
Command: \`npm run bench:alerts\` (RUNS=${RUNS} FROZEN_RUNS=${FROZEN_RUNS} RESTARTS=${RESTARTS} HEALTHY_S=${HEALTHY_S}). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
Two shipped \`devbot worker --config devbot.yaml\` processes (bin/devbot.mjs) against a local 3-member etcd (heartbeat 100 ms,
election timeout 1 s). Each worker holds a watch stream open to every member; one breaking or coming back makes it evaluate at
once and every 250 ms for 5 s. The job scheduler's tick (every ${INTERVAL_MS} ms) stays the backstop. Each timed run starts after ${QUIET_MS / 1000} s
without a stream change (ticks only). Times measured at the fake Slack Web API.

${summary.map((s) => `- ${s}`).join('\n')}

${out}`);
} catch (err) {
  // What Slack was told, in order, says where it went wrong.
  for (const c of [...fake.callsTo('chat.postMessage'), ...fake.callsTo('chat.update')].sort((a, b) => a.receivedAt - b.receivedAt)) {
    console.error(`${new Date(c.receivedAt).toISOString()} ${c.method} ${text(c).split('\n')[0]}`);
  }
  throw err;
} finally {
  await group.stop();
  await fake.close();
  await cluster.stop();
}
// Every handle is closed above; exit anyway so a lingering client socket cannot keep a finished bench alive.
process.exit(0);
