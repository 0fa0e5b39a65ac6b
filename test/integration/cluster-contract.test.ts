import { afterAll, describe, expect, inject, it } from 'vitest';
import { createEtcdCluster } from '../../src/adapters/etcd/etcd-cluster.js';
import { silentLogger } from '../../src/log.js';
import type { Cluster, ClusterHealth } from '../../src/ports/cluster.js';
import { createFakeCluster } from '../fakes/fake-cluster.js';
import { restoreCluster, stopMembers } from '../harness/cluster-control.js';

/** The same cases against the in-memory fake and the real adapter on the harness cluster. */
interface Subject {
  cluster: Cluster;
  stop(names: string[]): Promise<void>;
  restore(): Promise<void>;
}

const subjects: Array<[string, () => Subject]> = [
  ['fake', () => {
    const fake = createFakeCluster();
    return { cluster: fake, stop: async (n) => fake.stopMembers(n), restore: async () => fake.startMembers(['e1', 'e2', 'e3']) };
  }],
  ['etcd adapter', () => ({
    cluster: createEtcdCluster({ endpoints: inject('etcd').endpoints, probeTimeoutMs: 500, log: silentLogger() }),
    stop: stopMembers,
    restore: restoreCluster,
  })],
];

/** health(), timed from outside: what the report says about its own timing must match what the caller saw. */
async function timedHealth(cluster: Cluster): Promise<{ h: ClusterHealth; before: number; elapsedMs: number }> {
  const before = Date.now();
  const h = await cluster.health();
  return { h, before, elapsedMs: Date.now() - before };
}

function expectWellFormed({ h, before, elapsedMs }: { h: ClusterHealth; before: number; elapsedMs: number }) {
  expect(h.members.map((m) => m.name)).toEqual(['e1', 'e2', 'e3']);
  for (const m of h.members) {
    expect(m.id).toMatch(/^[0-9a-f]+$/);
    expect(m.clientUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Array.isArray(m.errors) && Array.isArray(m.alarms)).toBe(true);
  }
  expect(h.quorumReason.length).toBeGreaterThan(10);
  expect(h.checkedAt).toBeInstanceOf(Date);
  // checkedAt is when the probe started; tookMs is the probe's whole duration, not a part of it.
  expect(h.checkedAt.getTime()).toBeGreaterThanOrEqual(before);
  expect(h.tookMs).toBeLessThanOrEqual(elapsedMs);
  expect(elapsedMs - h.tookMs).toBeLessThan(250);
  // Whatever is down, the report comes within the 2 s that /dev status promises.
  expect(elapsedMs).toBeLessThan(2000);
}

describe.each(subjects)('Cluster contract: %s', (_label, make) => {
  const subject = make();
  afterAll(() => subject.cluster.close());

  it('reports a healthy cluster: all reachable, one leader everyone agrees on, quorum', async () => {
    const timed = await timedHealth(subject.cluster);
    expectWellFormed(timed);
    const { h } = timed;
    const leaders = h.members.filter((m) => m.isLeader);
    expect(leaders).toHaveLength(1);
    expect(h.leader).toBe(leaders[0]!.name);
    expect(h.hasQuorum).toBe(true);
    for (const m of h.members) {
      expect(m).toMatchObject({ reachable: true, leaderId: leaders[0]!.id, errors: [], alarms: [] });
      expect(m.raftTerm).toBeGreaterThan(0);
      expect(m.raftIndex).toBeGreaterThan(0);
      expect(m.dbSizeBytes).toBeGreaterThan(0);
    }
  });

  it('keeps quorum with one follower down and reports that member, by name, as unreachable', async () => {
    const before = await subject.cluster.health();
    const follower = before.members.find((m) => !m.isLeader)!;
    try {
      await subject.stop([follower.name]);
      const timed = await timedHealth(subject.cluster);
      expectWellFormed(timed);
      const { h } = timed;
      expect(h.hasQuorum).toBe(true);
      expect(h.leader).toBe(before.leader);
      const down = h.members.find((m) => m.name === follower.name)!;
      expect(down).toMatchObject({ reachable: false, isLeader: false, id: follower.id });
      expect(down.errors.length).toBeGreaterThan(0);
      expect(h.members.filter((m) => m.reachable)).toHaveLength(2);
    } finally {
      await subject.restore();
    }
  });

  it('says quorum is lost, naming the down members, when two of three are down', async () => {
    try {
      await subject.stop(['e2', 'e3']);
      const timed = await timedHealth(subject.cluster);
      expectWellFormed(timed);
      const { h } = timed;
      expect(h.hasQuorum).toBe(false);
      expect(h.leader).toBeUndefined();
      expect(h.quorumReason).toContain('e2');
      expect(h.quorumReason).toContain('e3');
      expect(h.members.map((m) => m.reachable)).toEqual([true, false, false]);
    } finally {
      await subject.restore();
    }
  });
});
