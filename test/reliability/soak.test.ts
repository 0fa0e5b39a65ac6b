/**
 * The soak: 500 mixed commands from 20 users over a minute (SOAK_COMMANDS and SOAK_SECONDS for a
 * longer one) against two `devbot serve` and two `devbot worker` processes on one Redis. Every command is answered once, no job is lost or made
 * twice (Slack retries included), every job has one message, and memory stays flat.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleet, type Fleet } from '../harness/devbot-fleet.js';
import type { DevbotProcess } from '../harness/devbot-processes.js';

// A minute keeps npm test within its budget; the rate is the 2-minute, 1,000-command soak's.
const TOTAL = Number(process.env['SOAK_COMMANDS'] ?? 500);
const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 60);
const USERS = Array.from({ length: 19 }, (_, i) => `U_SOAK${String(i + 1).padStart(2, '0')}`);
const STRANGER = 'U_STRANGER'; // the 20th user: the ACL allows nothing

/** Resident memory of a process, in MiB. */
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** A deterministic mix: mostly status, some lists, fast deploys, help, bad input and denials. */
function commandFor(i: number): { text: string; user: string; expect: 'queued' | 'answered' | 'usage' | 'denied' } {
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

describe(`soak: ${TOTAL} commands, 20 users, ${SECONDS} s, 2 serve + 2 worker processes`, () => {
  let fleet: Fleet;
  let serves: DevbotProcess[] = [];
  let workers: DevbotProcess[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ label: 'soak', redis: inject('redisUrl'), etcdEndpoints: inject('etcd').endpoints, extraUsers: USERS });
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
      // Spread evenly over the two minutes; commands overlap whenever one takes longer than a slot.
      const due = started + (i * SECONDS * 1000) / TOTAL;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      if (i === 100) memoryAtStart = processes.map((p) => rssMiB(p.pid)); // after warm-up
      const c = commandFor(i);
      const triggerId = `soak-${i}`;
      const serve = serves[i % 2]!;
      sent.push(fleet.command(serve, c.text, { triggerId, user: c.user }).then((res) => void acks.push({ i, ...res, expect: c.expect })));
      // One in ten is retried by "Slack" on the other replica.
      if (i % 10 === 3) retries.push(fleet.command(serves[(i + 1) % 2]!, c.text, { triggerId, user: c.user, retryNum: 1 }));
    }
    await Promise.all(sent);
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

    // Memory: no process grows by more than half (or 60 MiB) between warm-up and the end.
    processes.forEach((p, n) => {
      const growth = memoryAtEnd[n]! - memoryAtStart[n]!;
      expect(growth, `${p.name}: ${memoryAtStart[n]!.toFixed(0)} → ${memoryAtEnd[n]!.toFixed(0)} MiB`).toBeLessThan(Math.max(60, memoryAtStart[n]! * 0.5));
    });
    console.log(`[soak] ${TOTAL} commands + ${retried.length} retries in ${((Date.now() - started) / 1000).toFixed(0)} s; ${jobIds.size} jobs; RSS MiB start ${memoryAtStart.map((m) => m.toFixed(0)).join('/')} end ${memoryAtEnd.map((m) => m.toFixed(0)).join('/')}`);
  }, 300_000);
});
