import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { joinScriptOf, runJoinScript, type LocalJoin } from '../../tools/local-cluster/boot-script.js';
import { ETCD_TUNING_FLAGS } from '../../tools/local-cluster/etcd.js';
import { freePorts } from '../../tools/local-cluster/free-port.js';
import { stopMember } from '../../tools/local-cluster/members.js';
import { isAlive, signalPid, waitForExit } from '../../tools/local-cluster/processes.js';
import { startLocalCluster, type LocalCluster } from '../../tools/local-cluster/start-local-cluster.js';
import { isEtcdMember, readState, updateProcess } from '../../tools/local-cluster/state.js';
import type { CfnTemplate } from '../../src/stack/template/template.js';

/**
 * The script a main node runs at boot (etcd-join), taken out of the template `devbot render
 * template` prints, run with bash and the real etcdctl against real etcd members on loopback.
 * Each test starts a cluster of its own: they kill members and wipe their data.
 */

const run = promisify(execFile);

interface MemberJson { ID: number; name: string; peerURLs: string[]; clientURLs?: string[]; isLearner?: boolean }
const memberList = async (endpoints: string[]) =>
  (JSON.parse((await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'member', 'list', '-w', 'json'])).stdout) as { members: MemberJson[] }).members;
const healthy = async (endpoints: string[]) => {
  try {
    await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'endpoint', 'health']);
    return true;
  } catch {
    return false;
  }
};

let script: string;
const clusters: LocalCluster[] = [];
const strays: number[] = [];

beforeAll(() => {
  const out = execFileSync(process.execPath, ['bin/devbot.mjs', 'render', 'template', '--config', 'config/demo.yaml'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  script = joinScriptOf(JSON.parse(out) as CfnTemplate);
});

afterEach(async () => {
  for (const pid of strays.splice(0)) {
    signalPid(pid, 'SIGKILL', 'etcd');
    await waitForExit(pid);
  }
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

async function ownCluster(): Promise<LocalCluster> {
  const cluster = await startLocalCluster();
  clusters.push(cluster);
  return cluster;
}

/** The script's parameters for member `name` of a local cluster, as a replacement node of it. */
function asReplacement(cluster: LocalCluster, name: string, timeoutSeconds = 60): LocalJoin {
  const state = readState(cluster.stateFile);
  const members = state.processes.filter(isEtcdMember);
  const me = members.find((m) => m.name === name)!;
  return {
    name, clientUrl: me.clientUrl, peerUrl: me.peerUrl, dataDir: me.dataDir, logFile: me.logFile, workDir: state.dir,
    clusterMembers: members.map((m) => `${m.name}=${m.peerUrl}`).join(','),
    peerEndpoints: members.filter((m) => m !== me).map((m) => m.clientUrl),
    clusterToken: 'devbot-test', extraFlags: ETCD_TUNING_FLAGS, timeoutSeconds,
  };
}

describe("the main nodes' boot script (etcd-join), as the rendered template carries it", () => {
  it('brings a replaced member (killed, data dir wiped) back as a healthy voter with a new id, serving the v2 API fleet uses', async () => {
    const cluster = await ownCluster();
    const oldId = (await memberList(cluster.etcd.endpoints)).find((m) => m.name === 'e2')!.ID;
    const e2 = readState(cluster.stateFile).processes.filter(isEtcdMember).find((m) => m.name === 'e2')!;
    await stopMember(cluster.stateFile, 'e2');
    rmSync(e2.dataDir, { recursive: true, force: true });

    const result = await runJoinScript(script, asReplacement(cluster, 'e2'));
    if (result.pid) updateProcess(cluster.stateFile, 'e2', { pid: result.pid, argv: result.argv! });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/removing stale member [0-9a-f]+/);
    expect(result.output).toMatch(/added as learner [0-9a-f]+/);

    const members = await memberList(cluster.etcd.endpoints);
    expect(members.map((m) => [m.name, m.isLearner ?? false]).sort()).toEqual([['e1', false], ['e2', false], ['e3', false]]);
    expect(members.find((m) => m.name === 'e2')!.ID).not.toBe(oldId);
    expect(await healthy(cluster.etcd.endpoints)).toBe(true);

    // etcd runs with the flags the script gives it on a node, v2 included.
    expect(readFileSync(`/proc/${result.pid!}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['--enable-v2=true', '--initial-cluster-state', 'existing']));
    const v2 = await fetch(`${e2.clientUrl}/v2/keys`);
    expect(v2.status).toBe(200);
    expect(await v2.json()).toMatchObject({ action: 'get', node: { dir: true } });
  });

  it('restarts a member whose data dir survived (a reboot) without touching the membership', async () => {
    const cluster = await ownCluster();
    const before = await memberList(cluster.etcd.endpoints);
    await stopMember(cluster.stateFile, 'e3');

    const result = await runJoinScript(script, asReplacement(cluster, 'e3'));
    if (result.pid) updateProcess(cluster.stateFile, 'e3', { pid: result.pid, argv: result.argv! });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/holds a member: starting it again/);
    await expect.poll(() => healthy(cluster.etcd.endpoints), { timeout: 10_000 }).toBe(true);
    expect((await memberList(cluster.etcd.endpoints)).map((m) => m.ID).sort()).toEqual(before.map((m) => m.ID).sort());
  });

  it('waits instead of bootstrapping a new cluster over peers that had quorum and lost it', async () => {
    const cluster = await ownCluster();
    const e3 = readState(cluster.stateFile).processes.filter(isEtcdMember).find((m) => m.name === 'e3')!;
    await stopMember(cluster.stateFile, 'e2');
    await stopMember(cluster.stateFile, 'e3');
    rmSync(e3.dataDir, { recursive: true, force: true });

    const result = await runJoinScript(script, asReplacement(cluster, 'e3', 4));
    expect(result.code, result.output).toBe(3);
    expect(result.output).toMatch(/the cluster exists but has no quorum; gave up after 4s/);
    expect(result.pid).toBeUndefined();
    expect(readdirSync(join(e3.dataDir, '..'))).not.toContain('e3');
  });

  it('bootstraps a new cluster when no peer has had quorum yet: three nodes booting at once form it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devbot-boot-'));
    try {
      const ports = await freePorts(6);
      const nodes = ['n1', 'n2', 'n3'].map((name, i) => ({ name, clientUrl: `http://127.0.0.1:${ports[2 * i]!}`, peerUrl: `http://127.0.0.1:${ports[2 * i + 1]!}` }));
      const clusterMembers = nodes.map((n) => `${n.name}=${n.peerUrl}`).join(',');
      const results = await Promise.all(nodes.map((n) => runJoinScript(script, {
        ...n, dataDir: join(dir, n.name), logFile: join(dir, `${n.name}.log`), workDir: dir, clusterMembers,
        peerEndpoints: nodes.filter((o) => o !== n).map((o) => o.clientUrl), clusterToken: 'devbot-boot-test', extraFlags: ETCD_TUNING_FLAGS, timeoutSeconds: 30,
      })));
      strays.push(...results.flatMap((r) => (r.pid ? [r.pid] : [])));
      for (const r of results) expect(r.code, r.output).toBe(0);
      // All three, as a rule; one that boots late, after the others formed a quorum, rejoins as a learner instead.
      expect(results.filter((r) => /bootstrapping a new cluster of n1=/.test(r.output)).length).toBeGreaterThanOrEqual(2);
      const endpoints = nodes.map((n) => n.clientUrl);
      await expect.poll(() => healthy(endpoints), { timeout: 15_000 }).toBe(true);
      expect((await memberList(endpoints)).map((m) => [m.name, m.isLearner ?? false]).sort()).toEqual([['n1', false], ['n2', false], ['n3', false]]);
      expect(results.every((r) => isAlive(r.pid!, 'etcd'))).toBe(true);
    } finally {
      for (const pid of strays.splice(0)) {
        signalPid(pid, 'SIGKILL', 'etcd');
        await waitForExit(pid);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
