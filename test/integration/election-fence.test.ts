/**
 * The failover fence in real etcd, with `etcdctl elect` candidates: removing a candidate checks the
 * run's token and deletes its key in one transaction, so a run whose token was superseded changes
 * nothing, whenever it wakes up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEtcdElections } from '../../src/adapters/etcd/etcd-elections.js';
import { silentLogger } from '../../src/log.js';
import type { Elections } from '../../src/ports/elections.js';
import { FencedError } from '../../src/ports/locks.js';
import { uniqueName } from '../harness/unique.js';

describe('election fence (real etcd)', () => {
  let elections: Elections;
  const children: ChildProcess[] = [];
  const fenceKeys: string[] = [];
  const endpoints = () => inject('etcd').endpoints;

  beforeAll(() => {
    elections = createEtcdElections({ endpoints: endpoints(), callTimeoutMs: 1000, log: silentLogger() });
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))));
  });

  afterAll(async () => {
    await elections?.close();
    const client = new Etcd3({ hosts: endpoints() });
    await Promise.all(fenceKeys.map((k) => client.delete().key(k))).finally(() => client.close());
  });

  /** A lease's remaining TTL as etcd reports it: -1 once it expired or was revoked. */
  async function ttlOf(leaseId: string): Promise<number> {
    const client = new Etcd3({ hosts: endpoints() });
    try {
      return Number((await client.leaseClient.leaseTimeToLive({ ID: leaseId })).TTL);
    } finally {
      client.close();
    }
  }

  async function candidates(prefix: string, names: string[]): Promise<ChildProcess[]> {
    const started: ChildProcess[] = [];
    for (const [i, name] of names.entries()) {
      const child = spawn('etcdctl', [`--endpoints=${endpoints().join(',')}`, 'elect', prefix, name], { stdio: 'ignore' });
      children.push(child);
      started.push(child);
      await expect.poll(async () => (await elections.read(prefix)).candidates.length, { timeout: 10_000 }).toBe(i + 1);
    }
    return started;
  }

  it('lets only the run holding the newest token remove a candidate; a stale run changes nothing', async () => {
    const prefix = uniqueName('fenced-pg');
    const [pg1] = await candidates(prefix, ['pg-1', 'pg-2']);
    const leader = (await elections.read(prefix)).leader!;
    const key = `devbot/fences/database/${prefix}@test`;
    fenceKeys.push(key);
    const stale = { key, token: 1_700_000_000_001 };
    const current = { key, token: 1_700_000_000_002 };

    await elections.claimFence(stale);
    await elections.claimFence(current);
    // The stale run can neither take the fence back nor act under it.
    await expect(elections.claimFence(stale)).rejects.toBeInstanceOf(FencedError);
    await expect(elections.removeCandidate(leader, stale)).rejects.toThrow(/holds fencing token 1700000000002, not this run's 1700000000001/);
    expect((await elections.read(prefix)).leader?.name).toBe('pg-1');
    expect(pg1!.exitCode).toBeNull();

    // The current run moves leadership, revokes the old leader's lease (its session ends), and may repeat itself.
    await elections.claimFence(current);
    await elections.removeCandidate(leader, current);
    expect((await elections.read(prefix)).leader?.name).toBe('pg-2');
    expect(await ttlOf(leader.leaseId)).toBe(-1);
    await elections.removeCandidate(leader, current);
    expect((await elections.read(prefix)).candidates.map((c) => c.name)).toEqual(['pg-2']);
  });
});
