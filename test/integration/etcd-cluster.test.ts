import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createEtcdCluster } from '../../src/adapters/etcd/etcd-cluster.js';
import { silentLogger } from '../../src/log.js';
import type { ClusterHealth } from '../../src/ports/cluster.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { freezeMembers, restoreCluster, stopMembers } from '../harness/cluster-control.js';

const endpoints = inject('etcd').endpoints;
const cluster = createEtcdCluster({ endpoints, probeTimeoutMs: 500, log: silentLogger() });
afterAll(() => cluster.close());

const byName = (h: ClusterHealth, name: string) => h.members.find((m) => m.name === name)!;
/** After restoreCluster() etcd says all members are healthy; the adapter must agree within 2 s. */
const healthyAgain = () => expect.poll(async () => {
  const h = await cluster.health();
  return h.hasQuorum && h.members.every((m) => m.reachable);
}, { timeout: 2_000, interval: 50 }).toBe(true);

describe('etcd Cluster adapter against a real 3-member cluster', () => {
  it('reports three reachable members, one leader and quorum', async () => {
    const h = await cluster.health();
    expect(h.members.filter((m) => m.reachable)).toHaveLength(3);
    expect(h.members.filter((m) => m.isLeader)).toHaveLength(1);
    expect(h.hasQuorum).toBe(true);
    expect(h.quorumReason).toMatch(/^3 of 3 members agree e\d leads/);
  });

  it('with two members killed, resolves within 2 s saying quorum is lost and which members are down', async () => {
    try {
      await stopMembers(['e1', 'e3']);
      const started = Date.now();
      const h = await cluster.health();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(h.hasQuorum).toBe(false);
      expect(h.quorumReason).toMatch(/unreachable: e1, e3$/);
      expect(byName(h, 'e1').reachable).toBe(false);
      // The first probe may still hold the connection the kill cut; later ones are refused.
      expect(byName(h, 'e1').errors).toEqual([expect.stringMatching(/^(cannot connect \(ECONNREFUSED\)|connection dropped)$/)]);
      expect(byName(h, 'e3').reachable).toBe(false);
      expect(byName(h, 'e2').reachable).toBe(true);
    } finally {
      await restoreCluster();
    }
    // gRPC's reconnect backoff (120 s by default) must not hide a member that is back.
    await healthyAgain();
  });

  it('with two members killed, knows quorum is lost without waiting out the read deadline', async () => {
    // A probe deadline far above what a refused connection takes: a verdict near it would mean the
    // survivor's linearizable read (which hangs without quorum) was waited for, though it cannot matter.
    const patient = createEtcdCluster({ endpoints, probeTimeoutMs: 5_000, log: silentLogger() });
    try {
      await patient.health();
      await stopMembers(['e1', 'e3']);
      const h = await patient.health({ deadlineMs: 5_000 });
      expect(h.hasQuorum).toBe(false);
      expect(h.tookMs).toBeLessThan(2_000);
      expect(byName(h, 'e2')).toMatchObject({ reachable: true, errors: [expect.stringMatching(/^linearizable read: not awaited: too few members answer/)] });
      expect(h.quorumReason).toMatch(/unreachable: e1, e3$/);
    } finally {
      await patient.close();
      await restoreCluster();
    }
    await healthyAgain();
  });

  it('watchMembers tells at once when a member dies and when it is back, once each', async () => {
    const changes: Array<{ endpoint: string; event: string; at: number }> = [];
    const streams = cluster.watchMembers!((c) => changes.push({ ...c, at: Date.now() }));
    const e3 = endpoints[2]!;
    try {
      // Connected first (a first connect is no change), then the kill.
      await new Promise((r) => setTimeout(r, 500));
      const killedAt = Date.now();
      await stopMembers(['e3']);
      await expect.poll(() => changes.find((c) => c.endpoint === e3 && c.event === 'lost'), { timeout: 5_000, interval: 20 }).toBeDefined();
      expect(changes.find((c) => c.event === 'lost')!.at - killedAt).toBeLessThan(1_000);
      await new Promise((r) => setTimeout(r, 1_000)); // etcd3 retries the stream (and says "disconnected") every 250 ms meanwhile
      await restoreCluster();
      await expect.poll(() => changes.find((c) => c.endpoint === e3 && c.event === 'back'), { timeout: 5_000, interval: 20 }).toBeDefined();
      expect(changes.map((c) => `${c.endpoint === e3 ? 'e3' : c.endpoint}:${c.event}`)).toEqual(['e3:lost', 'e3:back']);
    } finally {
      streams.close();
      await restoreCluster();
    }
  });

  it('keeps quorum when the leader is killed: the others elect a new one, the dead one is unreachable', async () => {
    const leader = (await cluster.health()).leader!;
    try {
      await stopMembers([leader]);
      await expect.poll(async () => {
        const h = await cluster.health();
        return { hasQuorum: h.hasQuorum, newLeader: h.leader !== undefined && h.leader !== leader, deadReachable: byName(h, leader).reachable };
      }, { timeout: 10_000, interval: 200 }).toEqual({ hasQuorum: true, newLeader: true, deadReachable: false });
    } finally {
      await restoreCluster();
    }
    await healthyAgain();
  });

  it('says quorum is lost within 2 s when two members are frozen (SIGSTOP)', async () => {
    try {
      await freezeMembers(['e2', 'e3']);
      const h = await cluster.health();
      expect(h.tookMs).toBeLessThan(2000);
      expect(h.hasQuorum).toBe(false);
      expect(byName(h, 'e2')).toMatchObject({ reachable: false, errors: ['no answer within 500 ms'] });
      expect(byName(h, 'e3').reachable).toBe(false);
    } finally {
      await restoreCluster();
    }
    await healthyAgain();
  });

  it('honours a caller deadline shorter than the probe timeout', async () => {
    // A probe timeout far above the caller's deadline, so a report that comes back near the deadline
    // can only come from the deadline being honoured, with room for a loaded machine's slowness.
    const patient = createEtcdCluster({ endpoints, probeTimeoutMs: 5_000, log: silentLogger() });
    const e1 = inject('etcd').members.find((m) => m.name === 'e1')!;
    try {
      await freezeMembers(['e1']);
      const h = await patient.health({ deadlineMs: 250 });
      expect(h.tookMs).toBeLessThan(2_000);
      // On a busy machine even the live members may miss 250 ms and then nobody names the members:
      // the frozen one is then known by its URL. Either way it is reported, and why.
      const frozen = h.members.find((m) => m.name === 'e1' || m.clientUrl === e1.clientUrl);
      expect(frozen, JSON.stringify(h)).toMatchObject({ reachable: false, errors: ['no answer within 250 ms'] });
    } finally {
      await patient.close();
      await restoreCluster();
    }
  });

  it('reports a NOSPACE alarm on the member that raised it', async () => {
    const e2 = byName(await cluster.health(), 'e2');
    const admin = new Etcd3({ hosts: endpoints, faultHandling: { host: () => noop, global: noop } });
    const alarm = { alarm: 'Nospace', memberID: BigInt(`0x${e2.id}`).toString() } as const;
    try {
      await admin.maintenance.alarm({ ...alarm, action: 'Activate' });
      const h = await cluster.health();
      expect(byName(h, 'e2').alarms).toEqual(['NOSPACE']);
      expect(byName(h, 'e1').alarms).toEqual([]);
    } finally {
      await admin.maintenance.alarm({ ...alarm, action: 'Deactivate' });
      admin.close();
    }
    expect(byName(await cluster.health(), 'e2').alarms).toEqual([]);
  });

  it('answers fast, naming endpoints, when nothing listens at any endpoint', async () => {
    const ports = await freePorts(2);
    const nowhere = createEtcdCluster({ endpoints: ports.map((p) => `http://127.0.0.1:${p}`), probeTimeoutMs: 500, log: silentLogger() });
    const h = await nowhere.health();
    expect(h.tookMs).toBeLessThan(1000);
    expect(h).toMatchObject({ hasQuorum: false, quorumReason: 'no member answered (0 of 2 reachable)' });
    expect(h.members.map((m) => m.name)).toEqual(ports.map((p) => `http://127.0.0.1:${p}`));
    await nowhere.close();
  });
});
