/**
 * `/dev etcd recover` against a real 3-member etcd of the test's own with 2 of 3 members down:
 * typed, and from the Recovery plan button of the quorum-lost alert. Path (b)'s etcdctl commands
 * are then run as posted (the systemd parts emulated: the same ETCD_* variables, set on the
 * process), which brings the cluster back with all three members.
 */
import { exec } from 'node:child_process';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/alerts/evaluate-alerts.js';
import { ALERT_RULES } from '../../src/alerts/rules/index.js';
import { startMember, stopMember, waitUntilUp } from '../../tools/local-cluster/members.js';
import { signalPid, spawnDetached, waitForExit } from '../../tools/local-cluster/processes.js';
import { isEtcdMember, readState, updateProcess } from '../../tools/local-cluster/state.js';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { CAROL } from './jobs-platform-bot.js';
import { ALICE, REPAIR, startRepairRig, waitHealthy, type RepairRig } from './etcd-repair-harness.js';

const sh = promisify(exec);

describe('/dev etcd recover on a real etcd cluster that lost quorum', () => {
  let rig: RepairRig | undefined;

  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** A real snapshot of the healthy cluster, stored as the environment's newest backup. */
  async function takeBackup(r: RepairRig): Promise<{ name: string; revision: number }> {
    const file = join(r.cluster.dir, 'snap.db');
    await sh(`etcdctl --endpoints=${r.cluster.etcd.endpoints[0]} put recover-test before-the-loss && etcdctl --endpoints=${r.cluster.etcd.endpoints[0]} snapshot save ${file}`);
    const { stdout } = await sh(`etcdctl snapshot status ${file} -w json`);
    const revision = (JSON.parse(stdout) as { revision: number }).revision;
    const entry = await r.bot.deps.backupsFor('repair').write(createReadStream(file), { environment: 'repair', takenAt: new Date(), revision, member: 'e1' });
    return { name: entry.name, revision };
  }

  async function planMessage(r: RepairRig, jobId: string) {
    await r.bot.deps.queue.waitUntilFinished(jobId, 30_000);
    const progress = await r.bot.progressMessage(REPAIR, jobId);
    const final = await r.bot.waitForUpdate(progress, (v) => v.text.startsWith('Recovery plan for etcd in repair'));
    return { progress, final };
  }

  it('with 2 of 3 down: the plan names the survivor, the newest backup, both paths; path (b) as posted brings the cluster back', { timeout: 120_000 }, async () => {
    const r = (rig = await startRepairRig({ backups: true }));
    const [e1, e2, e3] = r.cluster.etcd.members;
    const backup = await takeBackup(r);
    await Promise.all(['e2', 'e3'].map((n) => stopMember(r.cluster.stateFile, n)));

    const ack = await r.bot.command(ALICE, 'etcd recover', REPAIR);
    expect(ack.jobId, ack.shown).toBeDefined();
    const { progress, final } = await planMessage(r, ack.jobId!);
    const shown = final.shown;
    expect(shown).toContain('devbot runs none of this: the commands run on the main nodes, which devbot reaches only through fleet, and fleet keeps its state in etcd — with etcd down, fleet is down too.');
    expect(shown).toMatch(/• e1 \([0-9a-f]+\) answers: raft index \d+, etcd 3\.4\.23/);
    expect(shown).toMatch(/• e2 \([0-9a-f]+\) does not answer/);
    expect(shown).toMatch(/Most advanced survivor: e1 \(raft index \d+\)\./);
    expect(shown).toContain(`Newest backup: ${backup.name} (revision ${backup.revision}, taken `);
    expect(shown).toContain('etcd version: 3.4.23 → restore with `etcdctl snapshot restore`.');
    expect(shown).toContain(`*(a) Restore every member from ${backup.name} (revision ${backup.revision}, 0 min old) as a new cluster*`);
    expect(shown).toContain(`*Loses:* every write after revision ${backup.revision}`);
    expect(shown).toMatch(/sudo etcdctl snapshot restore \/tmp\/etcd-restore\.db --name e2 --initial-cluster e1=\S+,e2=\S+,e3=\S+ --initial-cluster-token devbot-repair-restore-\d{8}T\d{4} --initial-advertise-peer-urls http:\/\/127\.0\.0\.1:\d+ --data-dir \/var\/lib\/etcd/);
    expect(shown).toContain('*(b) Force a new cluster on e1, the most advanced survivor');
    expect(shown).toContain('*Loses:* whatever only the dead members had');
    expect(shown).toContain("Last step of either path: rebuild fleet's units from the catalog");

    // The thread has every command, as text to copy.
    const thread = r.bot.thread(progress).join('\n');
    const blockOf = (title: string) => /```\n([\s\S]*?)\n```/.exec(thread.slice(thread.indexOf(title)))![1]!.split('\n');
    const force = blockOf('On e1 (127.0.0.1): start it once by hand with --force-new-cluster and --snapshot-count 1');
    const entry = (name: string) => readState(r.cluster.stateFile).processes.filter(isEtcdMember).find((p) => p.name === name)!;
    /** An `etcd …` line of the plan, run as posted in the foreground (no sudo; this machine's data dir for /var/lib/etcd); resolves with a stop(). */
    const runByHand = async (line: string, name: string) => {
      expect(line).toMatch(/^sudo etcd --name /);
      const argv = line.replace(/^sudo /, '').replace('--data-dir /var/lib/etcd', `--data-dir ${entry(name).dataDir}`).split(' ');
      const pid = await spawnDetached(argv, join(r.cluster.dir, `${name}-by-hand.log`));
      await waitUntilUp({ ...entry(name), pid, argv });
      return async () => {
        signalPid(pid, 'SIGINT', 'etcd');
        await waitForExit(pid);
      };
    };
    /** `sudo systemctl start <unit>`: the member's own process again, on the same data dir. */
    const startUnit = (name: string) => startMember(r.cluster.stateFile, name);

    // Path (b), step 1 on e1, as posted.
    await stopMember(r.cluster.stateFile, 'e1');
    const stopForced = await runByHand(force.find((l) => l.includes('--force-new-cluster'))!, 'e1');
    await waitFor('e1 forced to a cluster of one to answer', () => sh(force.find((l) => l.endsWith('endpoint health'))!).then(() => true, () => false), { timeoutMs: 20_000, intervalMs: 200 });
    await stopForced();
    expect(force.at(-2)).toBe('sudo systemctl start etcd-member.service');
    await startUnit('e1');
    await waitHealthy([e1!.clientUrl]);

    // Then each other member, one at a time, with the commands as posted.
    for (const m of [e2!, e3!]) {
      const block = blockOf(`Re-add ${m.name} (127.0.0.1)`);
      const add = block.find((l) => l.includes(' member add '))!;
      expect(add).toBe(`etcdctl --endpoints=${e1!.clientUrl} member add ${m.name} --peer-urls=${m.peerUrl} --learner`);
      // etcd takes a change once its leader has been connected to every voter for 5 s.
      let added = '';
      await waitFor(`${add} to be accepted`, async () => (added = await sh(add).then((o) => o.stdout, () => '')) !== '', { timeoutMs: 20_000, intervalMs: 500 });
      const id = /Member\s+([0-9a-f]+) added/.exec(added)![1]!; // etcdctl pads a short id with spaces
      rmSync(entry(m.name).dataDir, { recursive: true, force: true }); // `sudo mv <data dir> <data dir>.before-rejoin-…`
      const stopJoiner = await runByHand(block.find((l) => l.startsWith('sudo etcd '))!, m.name);
      const promote = block.find((l) => l.includes(' member promote '))!.replace(/<the id member add printed for [^>]+>/, id);
      await waitFor(`${promote} to be accepted`, () => sh(promote).then(() => true, () => false), { timeoutMs: 20_000, intervalMs: 300 });
      await stopJoiner();
      expect(block.at(-1)).toBe('sudo systemctl start etcd-member.service');
      await startUnit(m.name);
      await waitHealthy([e1!.clientUrl, m.clientUrl]);
    }
    await waitHealthy([e1!.clientUrl, e2!.clientUrl, e3!.clientUrl]);
    const { stdout } = await sh(`etcdctl --endpoints=${e1!.clientUrl} member list -w json`);
    const listed = (JSON.parse(stdout) as { members: Array<{ name: string; isLearner?: boolean }> }).members;
    expect(listed.map((m) => [m.name, m.isLearner === true]).sort()).toEqual([['e1', false], ['e2', false], ['e3', false]]);
    // Every member has the data from before the loss (a log replay after --force-new-cluster would leave it out of e2 and e3).
    for (const m of [e1!, e2!, e3!]) {
      expect((await sh(`etcdctl --endpoints=${m.clientUrl} get recover-test --print-value-only --consistency=s`)).stdout.trim(), m.name).toBe('before-the-loss');
    }
  });

  it('path (a) as posted restores every member from the newest backup into a new cluster, losing what came after it', { timeout: 90_000 }, async () => {
    const r = (rig = await startRepairRig({ backups: true }));
    const backup = await takeBackup(r);
    await sh(`etcdctl --endpoints=${r.cluster.etcd.endpoints[0]} put after-the-backup lost`);
    await Promise.all(['e2', 'e3'].map((n) => stopMember(r.cluster.stateFile, n)));
    const ack = await r.bot.command(ALICE, 'etcd recover', REPAIR);
    const { progress } = await planMessage(r, ack.jobId!);
    const thread = r.bot.thread(progress).join('\n');
    const location = (await r.bot.deps.backupsFor('repair').list('repair'))[0]!.location;
    expect(location).toContain(backup.name);

    // Every member stopped, its data dir moved aside, the backup restored there as posted; then all started.
    await stopMember(r.cluster.stateFile, 'e1');
    const members = readState(r.cluster.stateFile).processes.filter(isEtcdMember);
    for (const m of members) {
      const block = /```\n([\s\S]*?)\n```/.exec(thread.slice(thread.indexOf(`On ${m.name} (127.0.0.1): restore`)))![1]!.split('\n');
      expect(block).toContain('etcdctl snapshot status /tmp/etcd-restore.db -w table');
      const restore = block.find((l) => l.includes(' snapshot restore '))!;
      rmSync(m.dataDir, { recursive: true, force: true });
      // Run as posted, with this machine's paths: no sudo, the backup where it is, the member's own data dir.
      await sh(restore.replace(/^sudo /, '').replace('/tmp/etcd-restore.db', location).replace('--data-dir /var/lib/etcd', `--data-dir ${m.dataDir}`));
    }
    const started = await Promise.all(members.map(async (m) => {
      const pid = await spawnDetached(m.argv, m.logFile);
      updateProcess(r.cluster.stateFile, m.name, { pid, status: 'running' });
      return { ...m, pid };
    }));
    await Promise.all(started.map((m) => waitUntilUp(m)));
    await waitHealthy(members.map((m) => m.clientUrl));
    for (const m of members) {
      expect((await sh(`etcdctl --endpoints=${m.clientUrl} get recover-test --print-value-only --consistency=s`)).stdout.trim(), m.name).toBe('before-the-loss');
      expect((await sh(`etcdctl --endpoints=${m.clientUrl} get after-the-backup --print-value-only --consistency=s`)).stdout.trim(), m.name).toBe('');
    }
  });

  it('the quorum-lost alert has a Recovery plan button that runs /dev etcd recover for its environment, through the ACL', { timeout: 60_000 }, async () => {
    const r = (rig = await startRepairRig());
    await Promise.all(['e2', 'e3'].map((n) => stopMember(r.cluster.stateFile, n)));
    const from = Date.now();
    await evaluateAlerts({ ...r.bot.deps, rules: ALERT_RULES });
    const alert = await r.bot.waitForPost(REPAIR, (v) => v.text.startsWith('CRITICAL: etcd in repair has lost quorum'), { after: from });
    expect(alert.posted.buttons.map((b) => b.label)).toEqual(['Status', 'Recovery plan', 'Silence 1h']);
    expect(alert.posted.text).toContain('Recovery plan: /dev etcd recover --env repair');

    expect(await r.bot.click(CAROL, alert, 'Recovery plan')).toMatch(/^:no_entry: .*`etcd` is not allowed for you/);
    const answer = await r.bot.click(ALICE, alert, 'Recovery plan');
    const jobId = /job `?(etcd-[0-9a-f]{10})/.exec(answer)?.[1];
    expect(jobId, answer).toBeDefined();
    const { final } = await planMessage(r, jobId!);
    expect(final.shown).toMatch(/Most advanced survivor: e1 \(raft index \d+\)\./);
    expect(final.shown).toContain('No backup to restore: backups are not configured for repair (environments.repair.etcd.backup).');
    expect(final.shown).not.toContain('(a) Restore');
    const audit = await r.bot.deps.audit.latest({ user: ALICE, limit: 10 });
    expect(audit.some((e) => e.user === ALICE && e.text === 'etcd recover --env repair' && e.decision === 'allowed')).toBe(true);
  });
});
