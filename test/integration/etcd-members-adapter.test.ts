/**
 * The Members adapter against a real 3-member etcd of the test's own: what a resumed replacement
 * relies on (each change is idempotent) and the typed refusals it retries on.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEtcdMembers } from '../../src/adapters/etcd/etcd-members.js';
import { silentLogger } from '../../src/log.js';
import { ClusterNotReadyError, LearnerNotReadyError, type Members } from '../../src/ports/members.js';
import { startMember, stopMember } from '../../tools/local-cluster/members.js';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { waitHealthy } from './etcd-repair-harness.js';

const run = promisify(execFile);

/** etcd refuses changes until its leader has been connected to every voter for 5 s: what the job retries. */
async function whenReady<T>(change: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await change();
    } catch (e) {
      if (!(e instanceof ClusterNotReadyError) || attempt > 40) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('the Members adapter on a real etcd cluster', () => {
  let cluster: LocalCluster;
  let members: Members;

  beforeAll(async () => {
    cluster = await startLocalCluster();
    members = createEtcdMembers({ endpoints: cluster.etcd.endpoints, callTimeoutMs: 2000, log: silentLogger() });
  });

  afterAll(async () => {
    await members?.close();
    await cluster?.stop();
  });

  it('lists the members with their status at their own client URLs; a stopped one is unreachable', async () => {
    const { stdout } = await run('etcdctl', [`--endpoints=${cluster.etcd.endpoints[0]}`, 'member', 'list']);
    const ids = Object.fromEntries(stdout.trim().split('\n').map((l) => l.split(', ')).map(([id, , name]) => [name!, id!]));
    await stopMember(cluster.stateFile, 'e3');
    try {
      const view = await members.inspect();
      expect(view.members.map((m) => [m.name, m.id, m.reachable, m.version]).sort()).toEqual([
        ['e1', ids['e1'], true, '3.4.23'], ['e2', ids['e2'], true, '3.4.23'], ['e3', ids['e3'], false, ''],
      ]);
      // If e3 led, the survivors name it until they have elected one of their own (an election timeout).
      await expect.poll(async () => [ids['e1'], ids['e2']].includes((await members.inspect()).leaderId), { timeout: 10_000, interval: 100 }).toBe(true);
      expect(view.members.find((m) => m.name === 'e3')?.error).toBe('cannot connect (ECONNREFUSED)');
    } finally {
      await startMember(cluster.stateFile, 'e3');
      await waitHealthy(cluster.etcd.endpoints);
    }
  });

  it('adds a learner once, refuses to promote it before it caught up, removes it once; promoting a voter is a no-op', async () => {
    const url = 'http://127.0.0.1:9';
    const first = await whenReady(() => members.addLearner(url));
    expect([first.added, first.member.isLearner, first.member.name]).toEqual([true, true, '']);
    const again = await whenReady(() => members.addLearner(url));
    expect([again.added, again.member.id]).toEqual([false, first.member.id]);
    await expect(whenReady(() => members.promote(first.member.id))).rejects.toBeInstanceOf(LearnerNotReadyError);
    const voter = (await members.list()).find((m) => m.name === 'e1')!;
    expect(await whenReady(() => members.promote(voter.id))).toEqual({ promoted: false });
    expect(await whenReady(() => members.remove(first.member.id))).toEqual({ removed: true });
    expect(await whenReady(() => members.remove(first.member.id))).toEqual({ removed: false });
    expect((await members.list()).map((m) => m.name).sort()).toEqual(['e1', 'e2', 'e3']);
  });
});
