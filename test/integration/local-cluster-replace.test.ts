import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../tools/local-cluster/processes.js';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { isEtcdMember, readState } from '../../tools/local-cluster/state.js';

const run = promisify(execFile);

interface MemberJson { ID: number; name: string; isLearner?: boolean }
const memberList = async (endpoints: string[]) =>
  (JSON.parse((await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'member', 'list', '-w', 'json'])).stdout) as { members: MemberJson[] }).members;
const healthy = async (endpoints: string[]) => run('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'endpoint', 'health']).then(() => true, () => false);
const devbot = (...args: string[]) => run(process.execPath, ['bin/devbot.mjs', ...args], { encoding: 'utf8' });
const e2Of = (stateFile: string) => readState(stateFile).processes.filter(isEtcdMember).find((m) => m.name === 'e2')!;

describe('devbot local-cluster replace', () => {
  // A cluster of its own: replace kills a member and wipes its data.
  let cluster: LocalCluster | undefined;
  afterAll(() => cluster?.stop());

  it('replaces e2 as its autoscaling group would: the new node rejoins through the boot script as a voter, and stop / start keep working', async () => {
    cluster = await startLocalCluster();
    const { stateFile, etcd } = cluster;
    const old = { id: (await memberList(etcd.endpoints)).find((m) => m.name === 'e2')!.ID, pid: e2Of(stateFile).pid };

    const { stdout } = await devbot('local-cluster', 'replace', 'e2', '--state', stateFile);
    expect(stdout).toMatch(/^e2: killing it and wiping .*\/e2, as a terminated instance loses its disk$/m);
    expect(stdout).toMatch(/^etcd-join: added as learner [0-9a-f]+$/m);
    expect(stdout).toMatch(/^e2: back as a voting member \(pid \d+\)$/m);

    const members = await memberList(etcd.endpoints);
    expect(members.map((m) => [m.name, m.isLearner ?? false]).sort()).toEqual([['e1', false], ['e2', false], ['e3', false]]);
    expect(members.find((m) => m.name === 'e2')!.ID).not.toBe(old.id);
    expect(await healthy(etcd.endpoints)).toBe(true);
    const e2 = e2Of(stateFile);
    expect(isAlive(old.pid)).toBe(false);
    expect(e2).toMatchObject({ status: 'running' });
    expect(isAlive(e2.pid, 'etcd')).toBe(true);
    expect(e2.argv).toEqual(expect.arrayContaining(['--enable-v2=true', '--initial-cluster-state', 'existing']));

    // The state file knows the new process: stop kills it, start respawns it from its data dir.
    await devbot('local-cluster', 'stop', 'e2', '--state', stateFile);
    expect(isAlive(e2.pid)).toBe(false);
    await devbot('local-cluster', 'start', 'e2', '--state', stateFile);
    expect(e2Of(stateFile).pid).not.toBe(e2.pid);
    await expect.poll(() => healthy(etcd.endpoints), { timeout: 15_000 }).toBe(true);
    expect((await memberList(etcd.endpoints)).find((m) => m.name === 'e2')!.ID).toBe(members.find((m) => m.name === 'e2')!.ID);
  }, 90_000);

  it('says what is wrong, and kills nothing, for a member it does not know', async () => {
    cluster ??= await startLocalCluster();
    const pids = readState(cluster.stateFile).processes.map((p) => p.pid);
    const failed = await devbot('local-cluster', 'replace', 'e9', '--state', cluster.stateFile).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2, stderr: 'no process named "e9" in this local cluster (known: redis, e1, e2, e3)\n' });
    expect(pids.every((pid) => isAlive(pid))).toBe(true);
    expect(existsSync(cluster.stateFile)).toBe(true);
  });
});
