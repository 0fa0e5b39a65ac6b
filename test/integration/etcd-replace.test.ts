/**
 * `/dev etcd replace` against a real 3-member etcd of the test's own, through the whole bot (signed
 * slash command, preview, Confirm click, a real worker, the fake Slack Web API). etcdctl is the
 * independent witness of what etcd ends up with.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../tools/local-cluster/wait-for.js';
import { ALICE, destroyMember, newMachine, REPAIR, startRepairRig, startSettingsIn, waitHealthy, type RepairRig } from './etcd-repair-harness.js';

const run = promisify(execFile);

interface ListedMember { id: string; name: string; peerUrls: string[]; isLearner: boolean }

/** `etcdctl member list -w json`, ids in hex as etcdctl prints them in its table. */
async function etcdctlMembers(endpoints: string[]): Promise<ListedMember[]> {
  const { stdout } = await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, '--command-timeout=3s', 'member', 'list', '-w', 'json']);
  const parsed = JSON.parse(stdout) as { members: Array<{ ID: number | string; name?: string; peerURLs: string[]; isLearner?: boolean }> };
  // etcdctl prints the uint64 id as a JSON number: read it as text so no digit is lost.
  const ids = [...stdout.matchAll(/"ID":(\d+)/g)].map((m) => BigInt(m[1]!).toString(16));
  return parsed.members.map((m, i) => ({ id: ids[i]!, name: m.name ?? '', peerUrls: m.peerURLs, isLearner: m.isLearner === true }));
}

const CONFIRMED = /^Confirmed: running as job (etcd-[0-9a-f]{10})\.$/;

describe('/dev etcd replace on a real etcd cluster', () => {
  let rig: RepairRig | undefined;

  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** Types the command, checks the preview, clicks Confirm; resolves with the job id and its progress message. */
  async function confirmReplace(r: RepairRig, text: string, expectInPreview: string[], environment = 'repair') {
    const after = Date.now();
    const ack = await r.bot.command(ALICE, text, REPAIR);
    expect(ack.shown).toMatch(/^Preparing a preview of `\/dev etcd replace/);
    const preview = await r.bot.waitForPost(REPAIR, (v) => v.text.startsWith(`Confirm /dev ${text} in ${environment}?`), { after });
    for (const part of expectInPreview) expect(preview.posted.shown).toContain(part);
    const reply = await r.bot.click(ALICE, preview, 'Confirm');
    expect(reply).toMatch(CONFIRMED);
    const jobId = CONFIRMED.exec(reply)![1]!;
    return { jobId, progress: await r.bot.progressMessage(REPAIR, jobId) };
  }

  async function resultOf(r: RepairRig, jobId: string) {
    await r.bot.deps.queue.waitUntilFinished(jobId, 60_000);
    return (await r.bot.deps.jobState.load(jobId))?.result;
  }

  /** The preview job refused: what the requester reads in the channel. */
  async function refusal(r: RepairRig, text: string): Promise<string> {
    const after = Date.now();
    const ack = await r.bot.command(ALICE, text, REPAIR);
    expect(ack.shown).toMatch(/^Preparing a preview/);
    const failed = await r.bot.waitForPost(REPAIR, (v) => v.text.startsWith(`:x: \`/dev ${text}\``), { after });
    return failed.posted.text;
  }

  it('replaces a dead member: the learner is added, started, promoted; 3 of 3 voters healthy; old id → new id', { timeout: 90_000 }, async () => {
    const r = (rig = await startRepairRig());
    const [e1, e2, e3] = r.cluster.etcd.members;
    const oldId = (await etcdctlMembers(r.cluster.etcd.endpoints)).find((m) => m.name === 'e2')!.id;
    await destroyMember(r.cluster, 'e2');
    await waitHealthy([e1!.clientUrl, e3!.clientUrl]);
    const machine = await newMachine(r.cluster, 'e2-new');

    const { jobId, progress } = await confirmReplace(r, `etcd replace e2 --peer-url ${machine.peerUrl}`, [
      `remove e2 (${oldId}, ${e2!.peerUrl}, unreachable)`,
      `add ${machine.peerUrl} as a learner (given with --peer-url)`,
      'wait up to 20 s for it to start and come within 1000 entries of the leader',
    ]);
    // The new machine starts its etcd the way devbot's thread says, once the learner is added.
    const instructions = await r.bot.waitForThread(progress, (t) => t.includes('ETCD_INITIAL_CLUSTER='));
    expect(instructions).toContain('ETCD_INITIAL_CLUSTER_STATE="existing"');
    const settings = startSettingsIn(instructions)!;
    expect(settings.name).toBe('e2');
    expect(settings.initialCluster.split(',').sort()).toEqual([`e1=${e1!.peerUrl}`, `e2=${machine.peerUrl}`, `e3=${e3!.peerUrl}`].sort());
    const asLearner = await etcdctlMembers([e1!.clientUrl]);
    expect(asLearner.find((m) => m.peerUrls.includes(machine.peerUrl))?.isLearner).toBe(true);
    expect(asLearner.map((m) => m.id)).not.toContain(oldId);
    await machine.start(settings);

    const result = await resultOf(r, jobId);
    expect(result?.outcome, result?.summary).toBe('succeeded');
    const after = await etcdctlMembers([e1!.clientUrl, e3!.clientUrl, machine.clientUrl]);
    const fresh = after.find((m) => m.peerUrls.includes(machine.peerUrl))!;
    expect(after.map((m) => [m.name, m.isLearner]).sort()).toEqual([['e1', false], ['e2', false], ['e3', false]]);
    expect(result?.summary).toMatch(new RegExp(`^Replaced e2 ${oldId} → e2 ${fresh.id} \\(${machine.peerUrl}\\) in \\d+\\.\\d s\\. 3 of 3 voters healthy: `));
    await waitHealthy([e1!.clientUrl, e3!.clientUrl, machine.clientUrl]);
    const thread = r.bot.thread(progress).join('\n');
    expect(thread).toContain(`removed e2 (${oldId})`);
    expect(thread).toMatch(/promoted [0-9a-f]+ \(attempt \d+\)/);
  });

  it('a learner that never starts ends in a clear timeout and is removed again: the cluster is as it was minus the dead member', { timeout: 60_000 }, async () => {
    const r = (rig = await startRepairRig());
    const [e1, , e3] = r.cluster.etcd.members;
    await destroyMember(r.cluster, 'e2');
    await waitHealthy([e1!.clientUrl, e3!.clientUrl]);
    const machine = await newMachine(r.cluster, 'e2-never');

    const { jobId, progress } = await confirmReplace(r, `etcd replace e2 --peer-url ${machine.peerUrl} --env repair-quick`, ['remove e2'], 'repair-quick');
    const result = await resultOf(r, jobId);
    expect(result?.outcome).toBe('failed');
    expect(result?.summary).toMatch(new RegExp(
      `^The new member at ${machine.peerUrl} did not become a voter: within 2 s it has not started: etcd lists it, but it never joined\\. ` +
        'devbot removed the learner [0-9a-f]+ again, so the cluster is as it was without e2: voters e1, e3\\. ' +
        'Check on the new machine that etcd runs \\(`systemctl status etcd-member.service`',
    ));
    expect(result?.summary).toContain(`then run \`/dev etcd replace e2 --peer-url ${machine.peerUrl} --env repair-quick\` again (with e2 gone it only adds the new member).`);
    const after = await etcdctlMembers([e1!.clientUrl, e3!.clientUrl]);
    expect(after.map((m) => [m.name, m.isLearner]).sort()).toEqual([['e1', false], ['e3', false]]);
    await waitHealthy([e1!.clientUrl, e3!.clientUrl]);
    expect(r.bot.thread(progress).join('\n')).toContain(`removed the learner`);

    // As the message says: with the machine fixed, the same command again only adds it (with time to start, this time).
    const again = await confirmReplace(r, `etcd replace e2 --peer-url ${machine.peerUrl}`, ['e2 is no longer a member: nothing to remove']);
    const settings = startSettingsIn(await r.bot.waitForThread(again.progress, (t) => t.includes('ETCD_INITIAL_CLUSTER=')))!;
    await machine.start(settings);
    const fixed = await resultOf(r, again.jobId);
    expect(fixed?.summary).toMatch(/^Replaced e2 \(already removed\) → e2 [0-9a-f]+ .* 3 of 3 voters healthy/);
    expect((await etcdctlMembers([e1!.clientUrl])).map((m) => [m.name, m.isLearner]).sort()).toEqual([['e1', false], ['e2', false], ['e3', false]]);
  });

  it('refuses without quorum, saying so, and changes nothing', { timeout: 60_000 }, async () => {
    const r = (rig = await startRepairRig());
    await destroyMember(r.cluster, 'e2');
    await destroyMember(r.cluster, 'e3');
    const said = await refusal(r, 'etcd replace e2 --peer-url http://127.0.0.1:1');
    expect(said).toMatch(/failed: etcd has no quorum \(.*\)\. A membership change needs quorum: bring members back, or follow `\/dev etcd recover`\.$/);
    expect((await etcdctlMembers([r.cluster.etcd.members[0]!.clientUrl])).map((m) => m.name).sort()).toEqual(['e1', 'e2', 'e3']);
  });

  it('refuses while another membership change is in flight (a learner present), naming it and how to undo it', { timeout: 60_000 }, async () => {
    const r = (rig = await startRepairRig());
    const endpoints = r.cluster.etcd.endpoints;
    // etcd takes a membership change only once its leader has been connected to every voter for 5 s.
    const add = () => run('etcdctl', [`--endpoints=${endpoints.join(',')}`, 'member', 'add', 'half-done', '--peer-urls=http://127.0.0.1:1', '--learner']);
    await waitFor('etcdctl member add to be accepted', () => add().then(() => true, () => false), { timeoutMs: 20_000, intervalMs: 500 });
    const learner = (await etcdctlMembers(endpoints)).find((m) => m.isLearner)!;
    const said = await refusal(r, 'etcd replace e2 --peer-url http://127.0.0.1:2 --force');
    expect(said).toContain(`failed: Another membership change is in flight: learner (never started) ${learner.id} (http://127.0.0.1:1), added but never started. etcd allows one at a time: finish or undo it first (\`etcdctl member remove ${learner.id}\`), then run this again.`);
    expect((await etcdctlMembers(endpoints)).map((m) => m.name).filter(Boolean).sort()).toEqual(['e1', 'e2', 'e3']);
  });

  it('refuses to replace a healthy member without --force', { timeout: 60_000 }, async () => {
    const r = (rig = await startRepairRig());
    const said = await refusal(r, 'etcd replace e3 --peer-url http://127.0.0.1:2');
    expect(said).toMatch(/failed: e3 is healthy \(it answers, follows the leader, \d+ entries behind\): replacing it is refused without --force\.$/);
    // With --force but no --peer-url, in an environment without AWS: devbot cannot look the machine up.
    expect(await refusal(r, 'etcd replace e3 --force')).toContain("failed: AWS is not configured for repair, so devbot cannot look up the machine that takes e3's place: give its peer URL");
    expect((await etcdctlMembers(r.cluster.etcd.endpoints)).map((m) => m.name).sort()).toEqual(['e1', 'e2', 'e3']);
  });
});
