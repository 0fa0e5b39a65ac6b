/**
 * `/dev replace` of a main node against a real 3-member etcd of the test's own: the instance is
 * terminated (its etcd dies with it), the group's replacement joins fleet, devbot hands over to the
 * etcd member replacement with the new machine's address as peer URL, and the test starts etcd on
 * the "new machine" the way devbot's thread says. etcdctl is the independent witness.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startMember, stopMember } from '../../tools/local-cluster/members.js';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { destroyMember, startSettingsIn, waitHealthy } from '../harness/etcd-machines.js';
import { startMemberAt, startReplaceRig, type ReplaceRig } from './machine-replace-harness.js';

const run = promisify(execFile);

async function etcdctlMembers(endpoints: string[]): Promise<Array<{ name: string; peerUrls: string[]; isLearner: boolean }>> {
  const { stdout } = await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, '--command-timeout=3s', 'member', 'list', '-w', 'json']);
  return (JSON.parse(stdout) as { members: Array<{ name?: string; peerURLs: string[]; isLearner?: boolean }> }).members.map((m) => ({ name: m.name ?? '', peerUrls: m.peerURLs, isLearner: m.isLearner === true }));
}

describe('/dev replace of a main node', () => {
  let rig: ReplaceRig | undefined;
  let cluster: LocalCluster | undefined;
  afterEach(async () => {
    await rig?.close();
    await cluster?.stop();
    rig = undefined;
    cluster = undefined;
  });

  it('refuses while another main node is down (etcd would lose its majority), then replaces the member on the new machine: 3 of 3 voters', { timeout: 120_000 }, async () => {
    const c = (cluster = await startLocalCluster());
    const [e1, e2, e3] = c.etcd.members;
    const dying: Array<Promise<void>> = [];
    const memberAt = new Map<string, string>();
    const r = (rig = await startReplaceRig({
      etcdEndpoints: c.etcd.endpoints,
      // etcd listens on 127.0.0.1 here, not on the machines' own addresses: fleet's metadata names each one's member.
      mainMetadata: (n) => ({ 'etcd-member': `e${n}` }),
      onTerminate: (instance) => {
        const member = memberAt.get(instance.privateIp ?? '');
        if (member) dying.push(destroyMember(c, member));
      },
    }));
    for (const m of r.fleet.machines) if (m.metadata['etcd-member']) memberAt.set(m.ip, m.metadata['etcd-member']);
    const main2 = r.fleet.machines.find((m) => m.metadata['etcd-member'] === 'e2')!;
    const instance = r.group('MainGroup').instances.find((i) => i.privateIp === main2.ip)!;
    const launchedBefore = new Set(r.group('MainGroup').instances.map((i) => i.id));

    // e3 is down: with main-2 gone too, one of three voters would answer.
    await stopMember(c.stateFile, 'e3');
    // If e3 led, the other two elect a leader first: the refusal to check is the majority one, not "no quorum now".
    await waitHealthy([e1!.clientUrl, e2!.clientUrl]);
    const said = await r.refusal(`replace ${main2.ip} --env mr`);
    expect(said).toContain(`Replacing the main node ${main2.id.slice(0, 8)} (etcd member e2) would leave etcd without a majority: 1 of 3 voters would answer, and a majority is 2 (already down: e3). Bring e3 back first`);
    expect(r.aws.requests.filter((q) => q.action === 'TerminateInstanceInAutoScalingGroup')).toHaveLength(0);
    await startMember(c.stateFile, 'e3');
    await waitHealthy([e1!.clientUrl, e2!.clientUrl, e3!.clientUrl]);

    const { jobId, progress } = await r.confirm(`replace ${instance.id} --env mr`, [
      `Replace main ${instance.id} (${main2.ip}, machine ${main2.id.slice(0, 8)}) in mr`,
      'replace etcd member e2 (',
    ]);
    // The new machine's etcd starts the way devbot's thread says, once its learner is added.
    let instructions = '';
    await waitFor('the start instructions in the thread', () => Boolean((instructions = r.bot.thread(progress).find((t) => t.includes('ETCD_INITIAL_CLUSTER=')) ?? '')), { timeoutMs: 60_000, intervalMs: 100 })
      .catch(async (e: Error) => { throw new Error(`${e.message}; thread: ${r.bot.thread(progress).join('\n')}; state: ${JSON.stringify((await r.bot.deps.jobState.load(jobId))?.result)}`); });
    await Promise.all(dying);
    const settings = startSettingsIn(instructions)!;
    expect(settings.name).toBe('e2');
    const peerUrl = settings.initialCluster.split(',').find((p) => p.startsWith('e2='))!.slice(3);
    const fresh = r.group('MainGroup').instances.find((i) => !launchedBefore.has(i.id))!;
    expect(peerUrl).toBe(`http://${fresh.privateIp}:${new URL(e2!.peerUrl).port}`);
    const started = await startMemberAt(c, 'e2-new', peerUrl, settings);

    const result = await r.resultOf(jobId, 90_000);
    expect(result?.outcome, result?.summary).toBe('succeeded');
    expect(result!.summary).toMatch(/ · in fleet \d+\.\d s · etcd member replaced \d+\.\d s · units active again \d+\.\d s\. No units ran on it\. etcd: Replaced e2 [0-9a-f]+ → e2 [0-9a-f]+ \(http:\/\/[0-9.]+:\d+\) in \d+\.\d s\. 3 of 3 voters healthy/);
    const after = await etcdctlMembers([e1!.clientUrl, e3!.clientUrl, started.clientUrl]);
    expect(after.map((m) => [m.name, m.isLearner]).sort()).toEqual([['e1', false], ['e2', false], ['e3', false]]);
    expect(after.find((m) => m.name === 'e2')!.peerUrls).toEqual([peerUrl]);
    expect(r.bot.thread(progress).join('\n')).toMatch(/removed e2 \([0-9a-f]+\)/);
  });
});
