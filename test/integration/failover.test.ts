import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBullmqWorker, type WorkerHandle } from '../../src/adapters/bullmq/bullmq-worker.js';
import { buildDeps, type BuiltDeps } from '../../src/build-deps.js';
import { handleAction } from '../../src/commands/handle-action.js';
import { handleCommand } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log.js';
import type { Elections } from '../../src/ports/elections.js';
import { restoreCluster, stopMembers } from '../harness/cluster-control.js';
import { uniqueName } from '../harness/unique.js';

const endpoints = () => inject('etcd').endpoints;

/** Candidates as the team runs them: `etcdctl elect <election> <name>`. */
function etcdctlCandidate(election: string, name: string): ChildProcess {
  return spawn('etcdctl', [`--endpoints=${endpoints().join(',')}`, 'elect', election, name], { stdio: 'ignore' });
}

/** What `etcdctl elect -l` says leads right now: it prints the leader's key, then its proposal. */
async function etcdctlLeader(election: string): Promise<string> {
  const child = spawn('etcdctl', [`--endpoints=${endpoints().join(',')}`, 'elect', '-l', election], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const lines = createInterface({ input: child.stdout! });
    for await (const line of lines) if (line.trim() && !line.startsWith(`${election}/`)) return line.trim();
    return '';
  } finally {
    child.kill('SIGKILL');
  }
}

describe('/dev failover against a real 3-member etcd', () => {
  let deps: BuiltDeps;
  let worker: WorkerHandle;
  const children: ChildProcess[] = [];
  let n = 0;
  const elections = () => deps.electionsFor('local');

  beforeAll(() => {
    const config = loadConfig({
      documents: [
        `
redis: { prefix: ${uniqueName('failover')} }
jobs: { queue: ${uniqueName('q')} }
environments:
  local:
    etcd: { endpoints: [${endpoints().join(', ')}] }
    databases:
      pg-etcdctl: { electionPrefix: pg-etcdctl, candidates: 3, failoverTimeoutMs: 3000 }
      pg-npm: { electionPrefix: election/pg-npm, candidates: 2, failoverTimeoutMs: 3000 }
channels:
  ops: { environment: local }
acl:
  rules:
    - { name: sre, users: [alice, bob], verbs: ['*'], channels: [ops], environments: [local], allowYes: true }
`,
      ],
      env: { DEVBOT_REDIS_URL: inject('redisUrl') },
    });
    deps = buildDeps(config, silentLogger());
    worker = startBullmqWorker(deps);
  });

  afterEach(async () => {
    await restoreCluster();
    // SIGTERM makes etcdctl resign (revoke its lease); revoking what is left covers the rest, so
    // no candidate outlives its test for the 60 s of etcdctl's session TTL.
    await Promise.all(children.splice(0).map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))));
    for (const prefix of ['pg-etcdctl', 'election/pg-npm']) {
      for (const c of (await elections().read(prefix)).candidates) await elections().revokeLease(c.leaseId).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await worker?.close();
    await deps?.close();
  });

  const run = (text: string, user = 'alice') =>
    handleCommand({ text, user, channel: 'ops', channelName: 'ops', transport: { kind: 'console', session: uniqueName('s') }, requestId: `req-${++n}-${Date.now()}` }, deps);

  /** Runs a command to the end of its job and returns the job's final result. */
  async function runToEnd(text: string) {
    const reply = await run(text);
    expect(reply.outcome, reply.text).toBe('queued');
    await deps.queue.waitUntilFinished(reply.jobId!, 30_000);
    return (await deps.jobState.load(reply.jobId!))?.result;
  }

  /** Starts etcdctl candidates one after another, so their line order is known. */
  async function startCandidates(election: string, names: string[]) {
    for (const [i, name] of names.entries()) {
      children.push(etcdctlCandidate(election, name));
      await expect.poll(async () => (await elections().read(election)).candidates.length, { timeout: 10_000 }).toBe(i + 1);
    }
  }

  it('moves leadership of etcdctl-elect candidates to the next in line, as etcdctl elect -l sees it', async () => {
    await startCandidates('pg-etcdctl', ['pg-1', 'pg-2', 'pg-3']);
    expect(await etcdctlLeader('pg-etcdctl')).toBe('pg-1');
    const result = await runToEnd('failover pg-etcdctl --yes');
    expect(result?.outcome).toBe('succeeded');
    expect(result?.summary).toMatch(/^pg-etcdctl: pg-1 → pg-2 in \d+ ms\.$/);
    expect(await etcdctlLeader('pg-etcdctl')).toBe('pg-2');
  });

  it('--to hands leadership to the named candidate', async () => {
    await startCandidates('pg-etcdctl', ['pg-1', 'pg-2', 'pg-3']);
    const result = await runToEnd('failover pg-etcdctl --to pg-3 --yes');
    expect(result?.summary).toMatch(/pg-1 → pg-3/);
    expect(await etcdctlLeader('pg-etcdctl')).toBe('pg-3');
  });

  it('moves leadership of etcd3 (npm) Election campaigners, whose keys live under election/<name>', async () => {
    const clients = [new Etcd3({ hosts: endpoints() }), new Etcd3({ hosts: endpoints() })];
    const elected = clients.map((c) => c.election('pg-npm', 5));
    const campaigns = [elected[0]!.campaign('pg-a')];
    try {
      await campaigns[0]!.wait();
      campaigns.push(elected[1]!.campaign('pg-b'));
      campaigns[1]!.on('error', () => undefined);
      await expect.poll(async () => (await elections().read('election/pg-npm')).candidates.length, { timeout: 10_000 }).toBe(2);
      const result = await runToEnd('failover pg-npm --yes');
      expect(result?.summary).toMatch(/pg-a → pg-b/);
      expect((await elections().read('election/pg-npm')).leader?.name).toBe('pg-b');
    } finally {
      // etcd3's close() leaves lease keep-alives running: revoke the sessions first.
      await Promise.allSettled(campaigns.map((c) => c.resign()));
      clients.forEach((c) => c.close());
    }
  });

  it('refuses when only one candidate lives, and changes nothing', async () => {
    await startCandidates('pg-etcdctl', ['pg-1']);
    const result = await runToEnd('failover pg-etcdctl --yes');
    expect(result?.outcome).toBe('failed');
    expect(result?.summary).toMatch(/pg-1 is the only live candidate of pg-etcdctl \(expected 3\)/);
    expect(await etcdctlLeader('pg-etcdctl')).toBe('pg-1');
  });

  it('refuses without quorum, saying so', async () => {
    await startCandidates('pg-etcdctl', ['pg-1', 'pg-2']);
    await stopMembers(['e2', 'e3']);
    const result = await runToEnd('failover pg-etcdctl --yes');
    expect(result?.outcome).toBe('failed');
    expect(result?.summary).toMatch(/etcd has no quorum/);
  });

  it('refuses a second failover of the same database while the first holds the lock', async () => {
    await startCandidates('pg-etcdctl', ['pg-1', 'pg-2']);
    const first = await run('failover pg-etcdctl'); // awaits confirmation, holding the lock
    expect(first.outcome).toBe('queued');
    const second = await run('failover pg-etcdctl --yes', 'bob');
    expect(second.text).toMatch(/`database\/pg-etcdctl@local` is busy: <@alice> holds it .* job `failover-[0-9a-f]+`/);
    // Declining the first request releases the lock: the next request gets it.
    await deps.queue.waitUntilFinished(first.jobId!, 10_000);
    const declined = await handleAction(
      { action: 'decline', value: first.jobId!.replace(/-preview$/, ''), user: 'alice', channel: 'ops', channelName: 'ops', transport: { kind: 'console', session: 's' }, requestId: 'click-1' },
      deps,
    );
    expect(declined.text).toBe('Cancelled; nothing was done.');
    expect((await deps.locks.list()).map((l) => l.target)).not.toContain('database/pg-etcdctl@local');
  });

  it('ends in a clear timeout when the leader never goes away', async () => {
    await startCandidates('pg-etcdctl', ['pg-1', 'pg-2']);
    const real = deps.electionsFor;
    // Fault injection: the revoke "succeeds" but the lease survives, as when a revoke is lost.
    deps.electionsFor = (env) => ({ ...real(env), removeCandidate: async () => {} }) satisfies Elections;
    try {
      const result = await runToEnd('failover pg-etcdctl --yes');
      expect(result?.outcome).toBe('failed');
      expect(result?.summary).toMatch(/No new leader appeared under pg-etcdctl within 3 s \(pg-1 still leads\)\. Check that the other candidates/);
    } finally {
      deps.electionsFor = real;
    }
  });
});
