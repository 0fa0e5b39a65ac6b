/**
 * The soak (issue #18): SOAK_MINUTES (default 10) of a team's day through 2 shipped `devbot serve`
 * + 2 `devbot worker --config devbot.yaml` (bin/devbot.mjs) against the STRICT Slack Web API fake
 * (429 + Retry-After, Block Kit limits, not_in_channel outside the 5 channels the bot is in).
 * 20 people in 5 channels type a command every SOAK_INTERVAL_MS (status, lists, deploys, help,
 * typos, a viewer trying to deploy; one in ten retried by "Slack" on the other replica), while the
 * soak itself plays the cluster: converges after drift, failovers confirmed from the preview,
 * etcd members stopped and started (alerts fire and resolve), quorum lost and back, one member
 * destroyed and replaced through `/dev etcd replace` + Confirm, and a verified snapshot into S3 every
 * minute (the workers' schedule). Checks at the end, printed as a table and a verdict: every command
 * answered once; no job lost or duplicated (ids from the acks vs final messages at the fake); 0
 * Slack 429s; RSS of the 4 processes at start and end; every alert resolved in its own message.
 * Nothing of devbot runs in this process.
 * Run: npm run soak   (SOAK_MINUTES=10, SOAK_INTERVAL_MS=2000, SOAK_QUORUM=1; BENCH_REPORT_FILE=<file> for a trial)
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { RecordedCall } from '../test/fakes/slack-api.js';
import { destroyMember, newMachine, startSettingsIn, waitHealthy } from '../test/harness/etcd-machines.js';
import { S3RVER_CREDENTIALS } from '../test/harness/s3-server.js';
import { isEtcdHealthy, startMember, stopMember, waitFor } from '../tools/local-cluster/index.js';
import { machine, median, percentile, recordSection, table } from './lib/report.js';
import { BUCKET, CHANNELS, logLines, OPERATORS, placeOf, rssMiB, savedProgress, SERVICES, startSoakRig, VIEWERS, type SavedProgress } from './lib/soak-rig.js';
import { alertMessages, confirmed, currentText, finalOf, jobIdInAck, jobMessages, outcomeOf, slash, textOf, type Sent } from './lib/soak-slack.js';

const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 10);
const INTERVAL_MS = Number(process.env['SOAK_INTERVAL_MS'] ?? 2000);
const QUORUM = process.env['SOAK_QUORUM'] !== '0';
const DURATION_MS = MINUTES * 60_000;
const DRAIN_MS = 180_000;

type Expect = 'job' | 'answer' | 'usage' | 'denied';
/** The i-th command of the stream: who types what, where, and what kind of answer it deserves. */
function commandFor(i: number): { user: string; text: string; expect: Expect } {
  const op = OPERATORS[i % OPERATORS.length]!;
  const viewer = VIEWERS[i % VIEWERS.length]!;
  const svc = SERVICES[Math.floor(i / 20) % SERVICES.length]!.name;
  switch (i % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5: return { user: op, text: 'status', expect: 'job' };
    case 6: return { user: viewer, text: 'status', expect: 'job' };
    case 7: return { user: op, text: 'jobs', expect: 'answer' };
    case 8: return { user: viewer, text: 'locks', expect: 'answer' };
    case 9: return { user: op, text: 'alerts', expect: 'answer' };
    case 10: return { user: op, text: 'help', expect: 'answer' };
    case 11: return { user: op, text: `deploy ${svc}`, expect: 'job' };
    case 12: return { user: op, text: `deploy ${SERVICES[(Math.floor(i / 20) + 4) % SERVICES.length]!.name}`, expect: 'job' };
    case 13: return { user: viewer, text: `deployments ${svc}`, expect: 'job' };
    case 14: return { user: op, text: 'deploi svc-01', expect: 'usage' };
    case 15: return { user: op, text: `status --bogus ${'x'.repeat(40)}`, expect: 'usage' };
    case 16: return { user: viewer, text: 'units list', expect: 'job' };
    case 17: return { user: op, text: 'machines', expect: 'job' };
    case 18: return { user: op, text: 'status', expect: 'job' };
    default: return { user: viewer, text: `deploy ${svc}`, expect: 'denied' };
  }
}

const rig = await startSoakRig();
const { slack, cluster, serves, workers } = rig;
const processes = [...serves, ...workers];
const ops = placeOf(OPERATORS[0]!); // U0SOAK01 works in #ops (user n in channel n mod 5)
const alertChannel = CHANNELS[0].id;

/** Every command typed (stream and scenarios), and every job id devbot gave back. */
const sent: Array<Sent & { expect: Expect | 'preview'; retryOf?: string }> = [];
const jobs = new Map<string, { from: string }>();
const scenario: Array<{ at: number; what: string; ms: number; ok: boolean; note: string }> = [];
let seq = 0;
const trigger = (tag: string) => `soak-${tag}-${++seq}`;
const serveFor = (n: number) => serves[n % serves.length]!;
const soakStart = Date.now();

/** Runs one scenario step, timing it; a step that throws is recorded as failed (the verdict says so), the soak goes on. */
async function step(what: string, fn: () => Promise<string>): Promise<void> {
  const t0 = Date.now();
  try {
    const note = await fn();
    scenario.push({ at: t0 - soakStart, what, ms: Date.now() - t0, ok: true, note });
  } catch (e) {
    scenario.push({ at: t0 - soakStart, what, ms: Date.now() - t0, ok: false, note: (e as Error).message.slice(0, 300) });
    console.error(`[soak] ${what} FAILED: ${(e as Error).message}`);
  }
  console.log(`[soak] +${((t0 - soakStart) / 1000).toFixed(0)} s ${what}: ${scenario.at(-1)!.ok ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s — ${scenario.at(-1)!.note.slice(0, 400)}`);
}

async function queueAndFinish(place: ReturnType<typeof placeOf>, text: string, n: number): Promise<string> {
  const s = await slash(slack, serveFor(n), place, text, trigger('ops'));
  sent.push({ ...s, expect: 'job' });
  const id = jobIdInAck(s.ack);
  if (!id) throw new Error(`/dev ${text} was answered "${s.ack}"`);
  jobs.set(id, { from: text });
  const final = await finalOf(slack, id, 240_000);
  if (outcomeOf(textOf(final)) !== 'succeeded') throw new Error(`${id}: ${gist(textOf(final), 4)}`);
  return `${id}: ${gist(textOf(final), 2)}`;
}

async function confirmAndFinish(text: string, preview: RegExp, n: number, during?: (jobId: string) => Promise<void>): Promise<string> {
  const id = await confirmed(slack, serveFor(n), ops, text, trigger('confirm'), preview, (s) => sent.push({ ...s, expect: 'preview' }));
  jobs.set(id, { from: text });
  await during?.(id);
  const final = await finalOf(slack, id, 240_000);
  if (outcomeOf(textOf(final)) !== 'succeeded') throw new Error(`${id}: ${gist(textOf(final), 4)}`);
  return `${id}: ${gist(textOf(final), 2)}`;
}

const allHealthy = async () => (await Promise.all(cluster.etcd.members.map((m) => isEtcdHealthy(m.clientUrl, 1000)))).every(Boolean);

/** An alert (posted, or a re-fire updating its message) in #ops after `after` whose text matches. */
function fired(pattern: RegExp, after: number, timeoutMs = 60_000): Promise<{ ts: string }> {
  const ok = (c: RecordedCall) => c.status === 200 && c.receivedAt >= after && c.params['channel'] === alertChannel && /^(CRITICAL|WARNING)/.test(textOf(c)) && pattern.test(textOf(c));
  return waitFor(`an alert matching ${pattern} in #ops`, () => {
    const c = slack.calls.find((x) => (x.method === 'chat.postMessage' || x.method === 'chat.update') && ok(x));
    return c && { ts: c.method === 'chat.postMessage' ? c.ts! : String(c.params['ts']) };
  }, { timeoutMs, intervalMs: 25 });
}
const resolvedIn = (ts: string, after: number, timeoutMs = 60_000) =>
  waitFor('the alert message to say resolved', () => slack.calls.find((c) => c.method === 'chat.update' && c.status === 200 && c.receivedAt >= after && c.params['ts'] === ts && /^RESOLVED/.test(textOf(c))), { timeoutMs, intervalMs: 25 });

/** Stops members (SIGKILL), waits for the alert, starts them again, waits for the same message to say resolved. */
async function alertCycle(members: string[], pattern: RegExp): Promise<string> {
  await waitFor('every member healthy before the cycle', allHealthy, { timeoutMs: 60_000, intervalMs: 200 });
  const stoppedAt = Date.now();
  await Promise.all(members.map((m) => stopMember(cluster.stateFile, m)));
  const alert = await fired(pattern, stoppedAt).catch((e: Error) => e);
  const restartedAt = Date.now();
  await Promise.all(members.map((m) => startMember(cluster.stateFile, m)));
  if (alert instanceof Error) throw alert;
  await resolvedIn(alert.ts, restartedAt);
  const resolvedMs = Date.now() - restartedAt;
  await waitFor('every member healthy again', allHealthy, { timeoutMs: 60_000, intervalMs: 200 });
  return `alert after ${restartedAt - stoppedAt} ms, resolved in place ${resolvedMs} ms after the restart`;
}

/** Destroys e2 for good (SIGKILL, data wiped) and replaces it at the same addresses through /dev etcd replace + Confirm. */
async function replaceE2(n: number): Promise<string> {
  await waitFor('every member healthy before the replacement', allHealthy, { timeoutMs: 60_000, intervalMs: 200 });
  const e2 = cluster.etcd.members.find((m) => m.name === 'e2')!;
  await destroyMember(cluster, 'e2');
  // As an operator would: the survivors have elected a leader (a lost leader leaves no quorum for ~1 s) before typing.
  await waitHealthy(cluster.etcd.endpoints.filter((u) => u !== e2.clientUrl), 60_000);
  const machineE2 = await newMachine(cluster, `e2-replaced-${Date.now()}`, { peerUrl: e2.peerUrl, clientUrl: e2.clientUrl });
  return confirmAndFinish(`etcd replace e2 --peer-url ${machineE2.peerUrl}`, /^Confirm \/dev etcd replace e2/, n, async (jobId) => {
    const job = await waitFor('the job message', () => jobMessages(slack, jobId)[0], { timeoutMs: 60_000, intervalMs: 100 });
    const instructions = await waitFor('the start settings in the job thread', () => slack.calls.find((c) => c.method === 'chat.postMessage' && c.status === 200 && c.params['thread_ts'] === job.ts && /ETCD_INITIAL_CLUSTER=/.test(textOf(c))), { timeoutMs: 120_000, intervalMs: 50 });
    await machineE2.start(startSettingsIn(textOf(instructions))!);
    await waitHealthy(cluster.etcd.endpoints, 120_000);
  });
}

/** Drift: a unit destroyed behind devbot's back (fleetctl destroy), then /dev converge puts it back. */
async function driftAndConverge(n: number): Promise<string> {
  const unit = `${SERVICES[n % SERVICES.length]!.name}@1.service`;
  const destroyedAt = Date.now();
  const res = await fetch(`${rig.fleet.url}/fleet/v1/units/${encodeURIComponent(unit)}`, { method: 'DELETE' });
  if (res.status !== 204) throw new Error(`fleet answered ${res.status} to DELETE ${unit}`);
  const done = await queueAndFinish(ops, 'converge', n);
  const saidDoneAt = Date.now();
  // When the recreated unit really became active, by the fake's own systemd record (not the /state rows devbot reads).
  const activeAt = await waitFor(`${unit} active again`, () => rig.fleet.transitions().find((t) => t.unit === unit && t.at > destroyedAt && t.state.startsWith('active'))?.at, { timeoutMs: 60_000, intervalMs: 100 }).catch(() => undefined);
  if (!activeAt) throw new Error(`${unit} never became active again after the converge said: ${done}`);
  if (activeAt > saidDoneAt) throw new Error(`the converge said succeeded ${activeAt - saidDoneAt} ms before ${unit} was active (a destroyed unit's lingering /state row passed for the new one): ${done}`);
  // fleet's own word that the unit is back (launched), not only the job's.
  const back = (await (await fetch(`${rig.fleet.url}/fleet/v1/units/${encodeURIComponent(unit)}`)).json().catch(() => ({}))) as { desiredState?: string };
  if (back.desiredState !== 'launched') throw new Error(`after the converge fleet has ${unit} ${back.desiredState ?? 'missing'}: ${done}`);
  return `${unit} destroyed; ${done}`;
}

// The fleet starts empty: the first converge brings the catalog up, before the clock starts (else drift would alert).
await step('initial converge (catalog up on an empty fleet)', () => queueAndFinish(ops, 'converge', 0));
const memoryAtStart = processes.map((p) => rssMiB(p.pid));
const streamStart = Date.now();
// Growth is judged from after the warm-up (the first minute, or a tenth of a short run): start-up leaves garbage the first GCs return.
const WARM_MS = Math.min(60_000, DURATION_MS / 10);
let memoryAtWarm = memoryAtStart;
setTimeout(() => (memoryAtWarm = processes.map((p) => rssMiB(p.pid))), WARM_MS).unref();
const at = (fraction: number) => new Promise((r) => setTimeout(r, Math.max(0, streamStart + fraction * DURATION_MS - Date.now())));

// Lane 1, the cluster's troubles, one after another (each waits for a healthy cluster first).
const chaos = (async () => {
  await at(0.1); await step('e3 stopped → warning, started → resolved', () => alertCycle(['e3'], /member e3 .*unreachable/));
  await at(0.3); await step('e1 stopped → warning, started → resolved', () => alertCycle(['e1'], /member e1 .*unreachable/));
  await at(0.45); await step('e2 destroyed → /dev etcd replace e2 + Confirm', () => replaceE2(1));
  await at(0.65); await step('e3 stopped → warning, started → resolved', () => alertCycle(['e3'], /member e3 .*unreachable/));
  if (QUORUM) { await at(0.8); await step('e1 + e3 stopped → quorum lost, started → resolved', () => alertCycle(['e1', 'e3'], /lost quorum/)); }
})();
// Lane 2, the operators' bigger moves.
const moves = (async () => {
  await at(0.15); await step('/dev failover postgres + Confirm', () => confirmAndFinish('failover postgres', /^Confirm \/dev failover postgres in local\?/, 0));
  await at(0.35); await step('drift → /dev converge', () => driftAndConverge(2));
  await at(0.55); await step('/dev failover postgres + Confirm', () => confirmAndFinish('failover postgres', /^Confirm \/dev failover postgres in local\?/, 1));
  await at(0.7); await step('drift → /dev converge', () => driftAndConverge(5));
  await at(0.9); await step('/dev failover postgres + Confirm', () => confirmAndFinish('failover postgres', /^Confirm \/dev failover postgres in local\?/, 0));
})();
// Lane 3, the people: a command every INTERVAL_MS until the clock runs out.
const retries: Array<Promise<Sent & { original: string }>> = [];
const stream = (async () => {
  const pending: Array<Promise<void>> = [];
  for (let i = 0; Date.now() < streamStart + DURATION_MS; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, streamStart + i * INTERVAL_MS - Date.now())));
    if (Date.now() >= streamStart + DURATION_MS) break;
    const c = commandFor(i);
    const place = placeOf(c.user);
    const triggerId = trigger('cmd');
    pending.push(slash(slack, serveFor(i), place, c.text, triggerId).then((s) => {
      sent.push({ ...s, expect: c.expect });
      const id = jobIdInAck(s.ack);
      if (id) jobs.set(id, { from: c.text });
    }));
    // One in ten is retried by "Slack" on the other replica, as after a slow ack.
    if (i % 10 === 3) retries.push(slash(slack, serveFor(i + 1), place, c.text, triggerId, 1).then((s) => ({ ...s, original: triggerId })));
  }
  await Promise.all(pending);
})();

let failure: unknown;
try {
  await Promise.all([stream, chaos, moves]);
  const streamEnd = Date.now();
  const retried = await Promise.all(retries);

  // Drain: every job's final message, every condition alert resolved.
  // A job's message is the one its saved progress names (a report's final message need not carry its id):
  // final once the job saved its result and the message at the fake no longer says "running".
  const landed = (id: string, saved: SavedProgress | undefined) => {
    if (!saved?.result || !saved.message) return false;
    const now = currentText(slack, saved.message.channel, saved.message.ts);
    return now !== undefined && !/— running \(job /.test(now);
  };
  let progress = new Map<string, SavedProgress>();
  await waitFor('every job final', async () => {
    progress = await savedProgress(cluster.redisUrl, rig.prefix);
    return [...jobs.keys()].every((id) => landed(id, progress.get(id)));
  }, { timeoutMs: DRAIN_MS, intervalMs: 2000 }).catch(() => undefined);
  const memoryAtEnd = processes.map((p) => rssMiB(p.pid));

  // Snapshots: the workers' own log lines, and the objects in the bucket.
  const snapshotLines = workers.flatMap((w) => logLines(w, 'etcd snapshot taken and verified').map((l) => ({ ...l, worker: w.name })));
  const snapshotFailures = workers.flatMap((w) => readLog(w.logFile).filter((l) => /snapshot/.test(l) && /"level":(50|60)/.test(l)));
  const s3 = new S3Client({ endpoint: rig.s3.url, forcePathStyle: true, region: 'us-east-1', credentials: S3RVER_CREDENTIALS });
  const objects = (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? [];
  s3.destroy();

  // The checks.
  const streamSent = sent.filter((s) => s.expect !== 'preview');
  const kinds: Record<Expect | 'preview', RegExp> = { job: /(?:Already q|Q)ueued as job |lock/i, answer: /\S/, usage: /Usage: /, denied: /:no_entry:/, preview: /^Preparing a preview/ };
  const badAcks = sent.filter((s) => s.status !== 200 || !s.ack.trim() || !kinds[s.expect].test(s.ack));
  const responseUses = new Map<string, number>();
  for (const c of slack.callsTo('response_url')) responseUses.set(c.responseId!, (responseUses.get(c.responseId!) ?? 0) + 1);
  const answeredTwice = sent.filter((s) => (responseUses.get(s.triggerId) ?? 0) > 1);
  const queuedAcks = streamSent.filter((s) => jobIdInAck(s.ack));
  const retryMismatch = retried.filter((r) => {
    const original = sent.find((s) => s.triggerId === r.original);
    return r.status !== 200 || jobIdInAck(r.ack) !== (original ? jobIdInAck(original.ack) : undefined);
  });
  const lost = [...jobs].filter(([id]) => !landed(id, progress.get(id))).map(([id, j]) => {
    const saved = progress.get(id);
    const shown = saved?.message ? currentText(slack, saved.message.channel, saved.message.ts) : undefined;
    return `${id} (${j.from}): saved ${saved ? `result ${saved.result?.outcome ?? 'none'}, message ${saved.message ? saved.message.ts : 'none'}` : 'nothing'}; at the fake: ${shown ? gist(shown, 2) : 'no message'}`;
  });
  // Duplicates: a second message naming the job, and any top-level post that no job, alert or preview accounts for.
  const ownMessage = (id: string) => progress.get(id)?.message?.ts;
  const duplicated = [...jobs.keys()].filter((id) => jobMessages(slack, id).some((m) => m.ts !== ownMessage(id))).map((id) => `${id} (${jobs.get(id)!.from}): ${jobMessages(slack, id).length} messages`);
  const accounted = new Set([...jobs.keys()].map((id) => `${progress.get(id)?.message?.channel}/${ownMessage(id)}`));
  const alertsNow = alertMessages(slack);
  for (const a of alertsNow) accounted.add(`${a.channel}/${a.ts}`);
  const stray = slack.callsTo('chat.postMessage').filter((c) => c.status === 200 && c.params['thread_ts'] === undefined && !accounted.has(`${String(c.params['channel'])}/${c.ts}`) && !/^Confirm \/dev /.test(textOf(c)));
  const distinctJobIds = new Set(queuedAcks.map((s) => jobIdInAck(s.ack)));
  const outcomes = new Map<string, number>();
  for (const [id] of jobs) {
    const o = progress.get(id)?.result?.outcome ?? 'none';
    outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
  }
  const failedJobs = [...jobs].filter(([id]) => progress.get(id)?.result && progress.get(id)!.result!.outcome !== 'succeeded').map(([id, j]) => `${id} (${j.from}): ${progress.get(id)!.result!.outcome}: ${progress.get(id)!.result!.summary.slice(0, 200)}`);
  const resumedJobs = [...jobs.keys()].filter((id) => (progress.get(id)?.resumed ?? 0) > 0);
  const limited = slack.calls.filter((c) => c.status === 429);
  const refused = slack.calls.filter((c) => c.error && c.status === 200);
  const alerts = alertsNow;
  const unresolved = alerts.filter((a) => !a.event && !/^RESOLVED/.test(a.final));
  const secondPosts = alerts.filter((a) => !a.event && a.posts > 1);
  const stepsFailed = scenario.filter((s) => !s.ok);
  const growth = processes.map((p, n) => memoryAtEnd[n]! - memoryAtWarm[n]!);
  const memoryBad = processes.filter((_, n) => growth[n]! > Math.max(60, memoryAtWarm[n]! * 0.5));
  const expectedSnapshots = Math.max(1, Math.floor((Date.now() - soakStart) / 60_000) - 1);
  const ackMs = streamSent.map((s) => s.ackMs);

  const checks: Array<[string, boolean, string]> = [
    ['every command answered once (HTTP 200, the answer it deserved, ≤ 1 response_url answer)', badAcks.length === 0 && answeredTwice.length === 0, `${sent.length} commands (${streamSent.length} typed in the stream, ${sent.length - streamSent.length} previews confirmed), ${badAcks.length} bad acks, ${answeredTwice.length} answered twice; ack p50 ${median(ackMs)} ms, p99 ${percentile(ackMs, 99)} ms`],
    ['Slack retries land on the same job', retryMismatch.length === 0, `${retried.length} retries on the other replica, ${retryMismatch.length} mismatched`],
    ['no job lost (a final message for every job id acked)', lost.length === 0, `${jobs.size} jobs, ${jobs.size - lost.length} with their final message at the fake (${[...outcomes].map(([k, v]) => `${v} ${k}`).join(', ')}; ${resumedJobs.length} resumed)`],
    ['no job duplicated (one message per job, one job per command)', duplicated.length === 0 && stray.length === 0 && distinctJobIds.size === queuedAcks.length, `${queuedAcks.length} queued acks → ${distinctJobIds.size} distinct ids; ${duplicated.length} jobs with a second message; ${stray.length} top-level posts no job, alert or preview accounts for`],
    ['0 Slack 429s', limited.length === 0, `${limited.length} 429s over ${slack.calls.length} Web API calls (${slack.callsTo('chat.postMessage').length} posts, ${slack.callsTo('chat.update').length} updates); ${refused.length} other refusals${refused.length ? ` (${[...new Set(refused.map((c) => `${c.method} ${c.error}`))].join(', ')})` : ''}`],
    ['every alert resolved in its own message', unresolved.length === 0 && secondPosts.length === 0 && alerts.some((a) => !a.event), `${alerts.filter((a) => !a.event).length} alert messages, fired ${alerts.filter((a) => !a.event).reduce((n, a) => n + a.fired, 0)} times, ${unresolved.length} not resolved, ${secondPosts.length} with a second post; ${alerts.filter((a) => a.event).length} event notes`],
    ['the mix ran (converges, failovers, alert cycles, replacement)', stepsFailed.length === 0, `${scenario.length} steps, ${stepsFailed.length} failed`],
    ['a verified snapshot every minute', snapshotLines.length >= expectedSnapshots && snapshotFailures.length === 0, `${snapshotLines.length} taken and verified (≥ ${expectedSnapshots} expected), ${objects.length} objects in S3, ${snapshotFailures.length} errors logged`],
    [`memory flat (growth after the ${WARM_MS / 1000} s warm-up ≤ max(60 MiB, 50 %))`, memoryBad.length === 0, processes.map((p, n) => `${p.name} ${memoryAtStart[n]!.toFixed(0)} / ${memoryAtWarm[n]!.toFixed(0)} → ${memoryAtEnd[n]!.toFixed(0)} MiB`).join(', ')],
  ];
  const pass = checks.every(([, ok]) => ok);
  const verdict = `${pass ? 'PASS' : 'FAIL'}: ${checks.filter(([, ok]) => ok).length} of ${checks.length} checks hold`;
  const checkTable = table(['check', 'result', 'figures'], checks.map(([name, ok, fig]) => [name, ok ? 'ok' : '**FAILED**', fig]));
  const memTable = table(['process', 'pid', 'RSS at start (MiB)', `RSS after ${WARM_MS / 1000} s (MiB)`, 'RSS at end (MiB)', 'growth after warm-up (MiB)'], processes.map((p, n) => [p.name, p.pid, memoryAtStart[n]!.toFixed(1), memoryAtWarm[n]!.toFixed(1), memoryAtEnd[n]!.toFixed(1), growth[n]!.toFixed(1)]));
  const stepTable = table(['at (s)', 'step', 'took (s)', 'result'], scenario.map((s) => [(s.at / 1000).toFixed(0), s.what, (s.ms / 1000).toFixed(1), `${s.ok ? 'ok' : '**FAILED**'}: ${s.note.replace(/\|/g, '/').slice(0, 200)}`]));
  const details = [
    ...badAcks.slice(0, 10).map((s) => `bad ack: "/dev ${s.text}" (${s.expect}) → ${s.status} "${s.ack.slice(0, 160)}"`),
    ...answeredTwice.slice(0, 10).map((s) => `answered twice: "/dev ${s.text}" ${responseUses.get(s.triggerId)} response_url posts`),
    ...retryMismatch.slice(0, 10).map((r) => `retry mismatch: "/dev ${r.text}" → ${r.status} "${r.ack.slice(0, 120)}"`),
    ...lost.slice(0, 10).map((l) => `lost: ${l}`),
    ...duplicated.slice(0, 10).map((d) => `duplicated: ${d}`),
    ...stray.slice(0, 10).map((c) => `stray post in ${String(c.params['channel'])}: ${gist(textOf(c), 2).slice(0, 160)}`),
    ...failedJobs.slice(0, 10).map((f) => `failed job: ${f}`),
    ...limited.slice(0, 5).map((c) => `429: ${c.method} ${String(c.params['channel'] ?? '')} at +${((c.receivedAt - soakStart) / 1000).toFixed(0)} s`),
    ...unresolved.map((a) => `unresolved alert: ${a.key} in ${a.channel}: ${a.final}`),
    ...secondPosts.map((a) => `alert posted ${a.posts}×: ${a.key}`),
    ...snapshotFailures.slice(0, 5).map((l) => `snapshot error: ${l.slice(0, 300)}`),
  ];
  const alertTable = table(['alert key', 'fired', 'resolved (updates of its message)', 'final state'], alerts.filter((a) => !a.event).map((a) => [a.key, a.fired, a.resolvedUpdates, a.final.replace(/\|/g, '/').slice(0, 120)]));
  console.log(checkTable);
  console.log(memTable);
  console.log(stepTable);
  console.log(alertTable);
  for (const d of details) console.log(`  ${d}`);
  console.log(verdict);

  recordSection('soak', `## Soak: ${MINUTES} min, 20 people in 5 channels, against the strict Slack fake (through 2 \`devbot serve\` + 2 \`devbot worker\`)

**${verdict}.** Command: \`npm run soak\` (SOAK_MINUTES=${MINUTES}, SOAK_INTERVAL_MS=${INTERVAL_MS}${QUORUM ? '' : ', SOAK_QUORUM=0'}). Machine: ${machine()}, load average
${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end (other work shared the machine). Date: ${new Date().toISOString().slice(0, 10)}. The run took ${((Date.now() - soakStart) / 60_000).toFixed(1)} min
(the stream ${((streamEnd - streamStart) / 60_000).toFixed(1)} min, then the drain of every job and alert).
Shipped processes (bin/devbot.mjs, \`slack.rateBudget\` at its default, \`shared\`) with one \`devbot.yaml\`: one environment (local 3-member
etcd 3.4, postgres with 3 \`etcdctl elect\` candidates, the fleet fake with the demo's 6 machines and a catalog of ${SERVICES.length} services × 2,
a verified etcd snapshot into S3 (s3rver) every minute), 5 channels the bot is a member of (anything else answers \`not_in_channel\`),
alerts to #ops, 16 operators and 4 viewers. The strict Web API fake enforces Slack's limits (postMessage 1/s per channel with a burst of 6,
chat.update 50/min per workspace, 429 + Retry-After), Block Kit limits and response_url's 5 uses.
A command every ${INTERVAL_MS / 1000} s from the 20 people in turn (status, jobs, locks, alerts, help, deploys, deployments, units, machines,
typos, a viewer's deploy), one in ten retried by "Slack" on the other replica; meanwhile the cluster's troubles and the operators' moves below.

${checkTable}

${memTable}

${stepTable}

${alertTable}
${details.length ? `\n${details.map((d) => `- ${d}`).join('\n')}\n` : ''}`);
} catch (e) {
  failure = e;
} finally {
  const logs = rig.keepLogs();
  console.log(`[soak] logs kept in ${logs}`);
  await rig.stop();
}
if (failure) throw failure;
process.exit(0);

/** The first `lines` lines of a message, on one line. */
function gist(text: string, lines: number): string {
  return text.split('\n').slice(0, lines).join(' / ');
}

function readLog(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n');
}
