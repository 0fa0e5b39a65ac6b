/**
 * `/dev replace` of a worker through the whole bot (signed slash command, preview, Confirm, a real
 * worker), against the fleet fake and the AWS HTTP fake reached through AWS_ENDPOINT_URL. What a
 * user notices: the report, the instance AWS terminated (one, desired capacity kept), where the
 * units run afterwards; and each refusal, said before anything is terminated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startReplaceRig, type ReplaceRig } from './machine-replace-harness.js';

const terminations = (r: ReplaceRig) => r.aws.requests.filter((q) => q.action === 'TerminateInstanceInAutoScalingGroup');

describe('/dev replace of a worker', () => {
  let rig: ReplaceRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** The worker web.service runs on: its instance and fleet machine. */
  function webWorker(r: ReplaceRig) {
    const state = r.fleet.states().find((s) => s.name === 'web.service' && s.systemdActiveState === 'active')!;
    const instance = r.group('WorkerGroup').instances.find((i) => r.machineOf(i.id)?.id === state.machineID)!;
    return { instance, machine: r.machineOf(instance.id)! };
  }

  it('terminates the instance, waits for its replacement in AWS and fleet, and the units run again; the report says each step and its time', { timeout: 60_000 }, async () => {
    const r = (rig = await startReplaceRig());
    const { instance, machine } = webWorker(r);
    const { jobId } = await r.confirm(`replace ${machine.ip} --env mr`, [
      `Replace worker ${instance.id} (${machine.ip}, machine ${machine.id.slice(0, 8)}) in mr`,
      `terminate ${instance.id} in ${r.group('WorkerGroup').name} without lowering its desired capacity`,
      'wait until fleet lists the new machine with role=worker',
      'wait until its 1 units (web.service) are active again elsewhere',
    ]);
    const result = await r.resultOf(jobId);
    expect(result?.outcome, result?.summary).toBe('succeeded');
    const fresh = r.group('WorkerGroup').instances.find((i) => i.id !== instance.id && !r.aws.scaling.terminated.some((t) => t.id === i.id) && i.launchedAt && i.launchedAt.getTime() > Date.now() - 60_000)!;
    const freshMachine = r.machineOf(fresh.id)!;
    expect(result!.summary).toMatch(new RegExp(
      `^Replaced worker ${instance.id} \\(${machine.ip.replace(/\./g, '\\.')}, machine ${machine.id.slice(0, 8)}\\) with ${fresh.id} \\(${fresh.privateIp!.replace(/\./g, '\\.')} in ${fresh.zone}, machine ${freshMachine.id.slice(0, 8)}\\) in \\d+\\.\\d s\\. ` +
        'Steps: terminate \\d+\\.\\d s · new instance InService \\d+\\.\\d s · in fleet \\d+\\.\\d s · units active again \\d+\\.\\d s\\. Units active again: web\\.service on [0-9a-f]{8}\\.$',
    ));
    // One instance terminated, the desired capacity kept; the old one is gone from EC2's group, web.service runs elsewhere.
    expect(terminations(r)).toHaveLength(1);
    expect(r.group('WorkerGroup').desired).toBe(2);
    expect(r.aws.scaling.terminated.map((t) => t.id)).toEqual([instance.id]);
    const web = r.fleet.states().find((s) => s.name === 'web.service')!;
    expect(web.systemdActiveState).toBe('active');
    expect(web.machineID).not.toBe(machine.id);
    expect(r.fleet.machines.map((m) => m.id)).not.toContain(machine.id);
  });

  it('takes the instance id or the fleet machine id as well, and retries AWS throttling', { timeout: 60_000 }, async () => {
    const r = (rig = await startReplaceRig());
    const { instance, machine } = webWorker(r);
    // Throttled on the terminate and on the polls: retried with backoff, not failed.
    r.aws.throttle('TerminateInstanceInAutoScalingGroup', 2);
    const { jobId } = await r.confirm(`replace ${instance.id} --env mr`, [`Replace worker ${instance.id}`]);
    r.aws.throttle('DescribeAutoScalingGroups', 2);
    const result = await r.resultOf(jobId);
    expect(result?.outcome, result?.summary).toBe('succeeded');
    expect(terminations(r).length).toBe(3);
    expect(r.aws.scaling.terminated.map((t) => t.id)).toEqual([instance.id]);

    // The other worker, by a prefix of its fleet machine id, as `/dev machines` shows it.
    const other = r.fleet.machines.find((m) => m.metadata['role'] === 'worker' && m.id !== machine.id && !m.name.startsWith('new-'))!;
    const again = await r.confirm(`replace ${other.id.slice(0, 8)} --env mr`, [`(${other.ip}, machine ${other.id.slice(0, 8)})`]);
    expect((await r.resultOf(again.jobId))?.outcome).toBe('succeeded');
    expect(r.aws.scaling.terminated).toHaveLength(2);
  });

  it('refuses, before anything is terminated, an unknown machine, one outside the groups devbot manages, and a group already short', { timeout: 60_000 }, async () => {
    const r = (rig = await startReplaceRig());
    expect(await r.refusal('replace 10.9.9.9 --env mr')).toContain('No machine of mr is 10.9.9.9: give a fleet machine id, a private IP or an EC2 instance id, as `/dev machines --env mr` lists them.');

    // A machine in a group of the stack that is none of devbot's node groups.
    const stray = r.fleet.addMachine({ name: 'bastion', ip: `${r.fleet.machines[0]!.ip.split('.').slice(0, 3).join('.')}.90`, metadata: { role: 'bastion' } });
    r.aws.groups.push({ name: 'devbot-mr-Bastion-X', stackName: 'devbot-mr', logicalId: 'BastionGroup', min: 1, max: 1, desired: 1, instances: [{ id: 'i-0bastion0000000', zone: 'eu-west-1a', lifecycle: 'InService', health: 'Healthy', privateIp: stray.ip }] });
    expect(await r.refusal(`replace ${stray.ip} --env mr`)).toContain('i-0bastion0000000 (' + stray.ip + ') is not in a group devbot manages: its group devbot-mr-Bastion-X is none of the stack\'s node groups (MainGroup, WorkerGroup, DataGroup).');

    // The other worker is unhealthy already: taking this one out too would leave the group shorter still.
    const [w1, w2] = r.group('WorkerGroup').instances;
    w2!.health = 'Unhealthy';
    const said = await r.refusal(`replace ${w1!.id} --env mr`);
    expect(said).toContain(`${r.group('WorkerGroup').name} is already below its desired capacity: besides ${w1!.id}, 0 of 1 instances are in service and healthy (${w2!.id} InService Unhealthy).`);
    expect(said).toContain('wait until `/dev machines` shows the group at full strength, then try again.');
    expect(terminations(r)).toHaveLength(0);
  });
});
