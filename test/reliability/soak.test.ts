/**
 * The soak: mixed commands from 20 users over 5 channels (SOAK_SECONDS, default 45; SOAK_COMMANDS,
 * default as many as Slack's limits take in that time) against two `devbot serve` and two
 * `devbot worker` processes on one Redis, through the strict Slack Web API fake (rate limits,
 * Block Kit limits, not_in_channel outside the 5 channels the bot was invited to). Every command
 * is answered once, no job is lost or made twice (Slack retries included), every job has one
 * message and it reaches its final state, Slack refuses nothing (no 429, no invalid_blocks), and
 * memory stays flat.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleet, type Fleet, type FleetChannel } from '../harness/devbot-fleet.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';
import type { RecordedCall } from '../fakes/slack-api.js';

/**
 * Commands per second the mix below keeps within Slack's limits with room to spare: per 20
 * commands, 8 status jobs post once and 3 deploys post, reply in the thread and update once, so
 * 4.5/s is ~0.63 posts/s per channel (Slack: ~1/s per channel) and ~0.68 chat.update/s (Tier 3:
 * 50/min per workspace, ~0.83/s). Faster than SLACK_MAX_RATE, messages queue in the rate budget.
 */
const RATE = 4.5;
const SLACK_MAX_RATE = 5.5;
// 45 s keeps npm test within its budget; SOAK_SECONDS=600 is a 10-minute soak at the same rate.
const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 45);
const TOTAL = Number(process.env['SOAK_COMMANDS'] ?? Math.round(SECONDS * RATE));
/** What the rate budget still holds when sending stops, if SOAK_COMMANDS asks more than Slack takes. */
const BACKLOG_MS = Math.max(0, TOTAL / SLACK_MAX_RATE - SECONDS) * 1000;
const USERS = Array.from({ length: 19 }, (_, i) => `U_SOAK${String(i + 1).padStart(2, '0')}`);
const STRANGER = 'U_STRANGER'; // the 20th user: the ACL allows nothing
/** Five channels devbot is set up in, the bot invited to each; user n works in channel n mod 5. */
const CHANNELS: FleetChannel[] = Array.from({ length: 5 }, (_, i) => ({ id: `C_SOAK${i + 1}`, name: `soak-${i + 1}` }));

/** Commands sent before memory is first measured. */
const WARM_UP = Math.min(100, Math.floor(TOTAL / 2));

/** Resident memory of a process, in MiB. */
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** A deterministic mix: mostly status, some lists, fast deploys, help, bad input and denials. */
function commandFor(i: number): { text: string; user: string; channel: FleetChannel; expect: 'queued' | 'answered' | 'usage' | 'denied' } {
  const c = mixFor(i);
  const n = c.user === STRANGER ? USERS.length : USERS.indexOf(c.user);
  return { ...c, channel: CHANNELS[n % CHANNELS.length]! };
}

function mixFor(i: number): { text: string; user: string; expect: 'queued' | 'answered' | 'usage' | 'denied' } {
  const user = USERS[i % USERS.length]!;
  switch (i % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
      return { text: 'status', user, expect: 'queued' };
    case 8: case 9:
      return { text: 'jobs', user, expect: 'answered' };
    case 10:
      return { text: 'locks', user, expect: 'answered' };
    case 11: case 12: case 13:
      return { text: `deploy soak-${i} --version 1x20`, user, expect: 'queued' };
    case 14: case 15:
      return { text: 'help', user, expect: 'answered' };
    case 16:
      return { text: 'deploi soak', user, expect: 'usage' };
    case 17:
      return { text: `status --bogus ${'x'.repeat(50)}`, user, expect: 'usage' };
    default:
      return { text: 'status', user: STRANGER, expect: 'denied' };
  }
}

/** A job's final message: a progress message's outcome, or a status job's report. */
const FINAL = / — (succeeded|failed|cancelled) \(|\(job \S+, checked in \d+ ms\)/;

/** Whether job `id`'s top-level message reads as finished (as posted, or updated to it) by `by`. */
async function finalMessage(fleet: Fleet, id: string, by: number): Promise<boolean> {
  const [posted] = fleet.jobMessages(id);
  if (!posted) return false;
  if (FINAL.test(String(posted.params['text']))) return true;
  const final = (c: RecordedCall) => c.status === 200 && c.error === undefined && c.params['ts'] === posted.ts && c.params['channel'] === posted.params['channel'] && FINAL.test(String(c.params['text']));
  return fleet.fake.waitForCall('chat.update', final, Math.max(1, by - Date.now())).then(() => true, () => false);
}

describe(`soak: ${TOTAL} commands, 20 users in 5 channels, ${SECONDS} s, 2 serve + 2 worker processes`, () => {
  let fleet: Fleet;
  let serves: DevbotProcess[] = [];
  let workers: DevbotProcess[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ label: 'soak', redis: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints, extraUsers: USERS, strict: true, channels: CHANNELS });
    [serves, workers] = await Promise.all([
      Promise.all([fleet.startServe('serve-a'), fleet.startServe('serve-b')]),
      Promise.all([fleet.startWorker('worker-a'), fleet.startWorker('worker-b')]),
    ]);
    await fleet.waitForWorkers(2);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('answers every command once, loses and duplicates no job, one message per job, memory flat', async () => {
    const processes = [...serves, ...workers];
    const acks: Array<{ i: number; status: number; body: string; expect: string }> = [];
    const retries: Array<Promise<{ status: number; body: string }>> = [];
    let memoryAtStart: number[] = [];
    const started = Date.now();
    const sent: Array<Promise<void>> = [];
    for (let i = 0; i < TOTAL; i++) {
      // Spread evenly over the run; commands overlap whenever one takes longer than a slot.
      const due = started + (i * SECONDS * 1000) / TOTAL;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      if (i === WARM_UP) memoryAtStart = processes.map((p) => rssMiB(p.pid)); // after warm-up
      const c = commandFor(i);
      const triggerId = `soak-${i}`;
      const serve = serves[i % 2]!;
      sent.push(fleet.command(serve, c.text, { triggerId, user: c.user, channel: c.channel }).then((res) => void acks.push({ i, ...res, expect: c.expect })));
      // One in ten is retried by "Slack" on the other replica.
      if (i % 10 === 3) retries.push(fleet.command(serves[(i + 1) % 2]!, c.text, { triggerId, user: c.user, channel: c.channel, retryNum: 1 }));
    }
    await Promise.all(sent);
    // Messages still waiting for their turn in the budget have this long to drain once sending stops.
    const drainBy = Date.now() + 60_000 + BACKLOG_MS;
    const retried = await Promise.all(retries);
    const memoryAtEnd = processes.map((p) => rssMiB(p.pid));

    // Answered once each, and as the command deserved.
    expect(acks).toHaveLength(TOTAL);
    expect(acks.filter((a) => a.status !== 200)).toEqual([]);
    const kinds = { queued: /(Already q|Q)ueued as job /, answered: /./, usage: /Usage: /, denied: /:no_entry: / };
    expect(acks.filter((a) => !kinds[a.expect as keyof typeof kinds].test(a.body)).map((a) => `${a.i}: ${a.body.slice(0, 100)}`)).toEqual([]);
    expect(retried.every((r) => r.status === 200)).toBe(true);

    // One job per queued command, retries included; all of them finish.
    const jobIds = new Set(acks.map((a) => /job ((?:status|deploy)-[0-9a-f]+)/.exec(a.body)?.[1]).filter((id): id is string => Boolean(id)));
    const queuedCount = acks.filter((a) => a.expect === 'queued').length;
    expect(jobIds.size).toBe(queuedCount);
    for (const r of retried) {
      const id = /job ((?:status|deploy)-[0-9a-f]+)/.exec(r.body)?.[1];
      if (id) expect(jobIds.has(id)).toBe(true);
    }
    for (const id of jobIds) await expect(fleet.queue.waitUntilFinished(id, 60_000)).resolves.toEqual({ state: 'completed' });
    const counts = await fleet.queue.counts();
    expect(counts.failed).toBe(0);
    for (const id of jobIds) expect(fleet.jobMessages(id), id).toHaveLength(1);
    // Each job's message reaches its final state in the channel (posted so, or updated to it).
    const notFinal = (await Promise.all([...jobIds].map(async (id) => ((await finalMessage(fleet, id, drainBy)) ? [] : [id])))).flat();
    expect(notFinal, 'jobs whose final message never reached Slack').toEqual([]);

    // Slack said no to nothing: no 429 drawn (the shared budget paced every replica), no
    // invalid_blocks, msg_too_long or not_in_channel; and no command was answered twice.
    const refusals = fleet.slackRefusals();
    expect({ refused: refusals.length, kinds: [...new Set(refusals)] }).toEqual({ refused: 0, kinds: [] });
    const lateAnswers = new Map<string, number>();
    for (const c of fleet.fake.callsTo('response_url')) lateAnswers.set(c.responseId!, (lateAnswers.get(c.responseId!) ?? 0) + 1);
    const workingAcks = new Set(acks.filter((a) => a.body.includes('Working on it')).map((a) => `soak-${a.i}`));
    const answeredTwice = [...lateAnswers].filter(([id, n]) => n > 1 || !workingAcks.has(id)).map(([id, n]) => `${id}: ${n} late answers`);
    const neverAnswered = [...workingAcks].filter((id) => !lateAnswers.has(id));
    expect({ answeredTwice, neverAnswered }).toEqual({ answeredTwice: [], neverAnswered: [] });

    // Memory: no process grows by more than half (or 60 MiB) between warm-up and the end.
    processes.forEach((p, n) => {
      const growth = memoryAtEnd[n]! - memoryAtStart[n]!;
      expect(growth, `${p.name}: ${memoryAtStart[n]!.toFixed(0)} → ${memoryAtEnd[n]!.toFixed(0)} MiB`).toBeLessThan(Math.max(60, memoryAtStart[n]! * 0.5));
    });
    const perMethod: Record<string, number> = {};
    for (const c of fleet.fake.calls) perMethod[c.method] = (perMethod[c.method] ?? 0) + 1;
    console.log(`[soak] Slack calls ${JSON.stringify(perMethod)}`);
    console.log(`[soak] ${TOTAL} commands + ${retried.length} retries in ${((Date.now() - started) / 1000).toFixed(0)} s; ${jobIds.size} jobs; RSS MiB start ${memoryAtStart.map((m) => m.toFixed(0)).join('/')} end ${memoryAtEnd.map((m) => m.toFixed(0)).join('/')}`);
  }, (SECONDS + 240) * 1000 + 2 * BACKLOG_MS);
});
