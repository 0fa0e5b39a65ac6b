import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEtcdElections } from '../../src/adapters/etcd/etcd-elections.js';
import { createMemberClients, type MemberClients } from '../../src/adapters/etcd/member-clients.js';
import { silentLogger } from '../../src/log.js';
import type { Elections } from '../../src/ports/elections.js';
import { restoreCluster, stopMembers, waitForQuorum } from '../harness/cluster-control.js';

/**
 * A member's answer ("lease not found") is etcd's verdict, the same on every member: it comes back
 * as it is, once. Only a member that does not answer (down, hung, refusing connections) sends the
 * call on to the next one.
 */
describe('onAnyMember on a real 3-member etcd: answers versus unreachable members', () => {
  const endpoints = () => inject('etcd').endpoints;
  let elections: Elections;
  let members: MemberClients;
  let direct: Etcd3;

  beforeAll(() => {
    elections = createEtcdElections({ endpoints: endpoints(), callTimeoutMs: 1000, log: silentLogger() });
    members = createMemberClients(endpoints(), 1000);
    direct = new Etcd3({ hosts: endpoints() });
  });

  afterEach(async () => {
    await restoreCluster();
  });

  afterAll(async () => {
    await elections?.close();
    await members?.close();
    direct?.close();
  });

  it('revoking a lease that is already gone (a resumed failover) says the lease was not found, not that no member answered', async () => {
    const lease = direct.lease(30, { autoKeepAlive: false });
    const id = await lease.grant();
    await elections.revokeLease(id); // the first attempt, before the worker died
    const error = await elections.revokeLease(id).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(/lease .*not found/i);
    expect(error!.message).not.toMatch(/no etcd member answered/i);
    expect(error).toMatchObject({ code: 'bot_upstream', service: 'etcd', retryable: false });
  });

  it('a lease id that never existed: the same, and it is asked of one member only', async () => {
    const asked: string[] = [];
    const error = await members
      .onAnyMember('revoking lease 1234567', (client, deadline) => {
        asked.push('member');
        return client.leaseClient.leaseRevoke({ ID: '1234567' }, { deadline });
      })
      .then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/lease .*not found/i);
    expect(error?.message).not.toMatch(/no etcd member answered/i);
    expect(asked).toHaveLength(1);
  });

  it('a member that is down still sends the call on to the next one', async () => {
    await stopMembers(['e1']);
    await waitForQuorum({ members: ['e2', 'e3'] }); // e1 may have led: a linearizable read needs the new leader
    const tried: string[] = [];
    const revision = await members.onAnyMember('reading the revision', async (client, deadline) => {
      tried.push('member');
      const res = await client.kv.range({ key: Buffer.from('devbot-test/none') }, { deadline });
      return Number(res.header.revision);
    });
    expect(revision).toBeGreaterThan(0);
    // Nothing answered through `members` yet (or e1 answered last): e1 is asked first and costs one try.
    expect(inject('etcd').members[0]?.clientUrl).toBe(endpoints()[0]);
    expect(tried).toHaveLength(2);
  });

  it('when every member is down, the error says no member answered and names each one', async () => {
    await stopMembers(['e1', 'e2', 'e3']);
    const error = await members
      .onAnyMember('reading the revision', (client, deadline) => client.kv.range({ key: Buffer.from('devbot-test/none') }, { deadline }))
      .then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^No etcd member answered while reading the revision/);
    for (const endpoint of endpoints()) expect(error?.message).toContain(endpoint);
  });
});
