import { z } from 'zod';
import { RefusedError } from '../errors.js';
import { renderMachineReplacePreview, renderReplaceReport, type ReplaceWaits } from '../render/machine-replace.js';
import { fleetOf } from './deploy/fleet-context.js';
import { replaceMember } from './etcd/replace/replace-member.js';
import type { JobContext, JobKind } from './job-kind.js';
import { awaitFleetMachine } from './replace/await-fleet.js';
import { awaitNewInstance } from './replace/await-instance.js';
import { awaitQuorum } from './replace/await-quorum.js';
import { awaitUnitsActive } from './replace/await-units.js';
import { planMachineReplace, type MachineReplacePlan } from './replace/plan-machine-replace.js';
import { awaitSelfJoined, selfJoinedMember } from './replace/self-joined.js';

const payloadSchema = z.object({ machine: z.string(), environment: z.string() });
type Payload = z.infer<typeof payloadSchema>;

/** How long each wait lasts before it gives up, saying what to check. A new EC2 instance takes minutes. */
export const REPLACE_WAITS: ReplaceWaits & { quorumMs: number } = { instanceMs: 15 * 60_000, fleetMs: 10 * 60_000, unitsMs: 10 * 60_000, quorumMs: 60_000 };

/** Lifecycle states in which the group still counts the instance: terminating it is still to do. */
const LIVE = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed', 'InService', 'Standby']);

/** Runs `fn` as a progress step and keeps how long it took in the step's saved value, so a resumed job reports it too. */
async function timedStep<T extends object>(ctx: JobContext, name: string, label: string, timings: Array<{ step: string; ms: number }>, fn: () => Promise<T>): Promise<T> {
  const r = await ctx.progress.step(name, async () => {
    const started = Date.now();
    return { ...(await fn()), ms: Date.now() - started };
  });
  if (!r) throw new RefusedError(`The result of step "${name}" of the earlier attempt was lost; check \`/dev machines\` and run the command again.`);
  timings.push({ step: label, ms: r.ms });
  return r;
}

/** Terminates the old instance unless an earlier attempt already did (the group no longer counts it live). */
async function terminate(plan: MachineReplacePlan, ctx: JobContext): Promise<{ at: number }> {
  const instances = ctx.deps.instancesFor(ctx.data.environment);
  const now = await instances.groupInstances(plan.stackName, plan.logicalId, { signal: ctx.signal });
  const old = now.find((i) => i.id === plan.instanceId);
  if (!old || !LIVE.has(old.lifecycleState)) {
    ctx.progress.log(`${plan.instanceId} is ${old ? old.lifecycleState : 'gone from the group'} already: not terminated again`);
    return { at: Date.now() };
  }
  // A run that lost its lock must not terminate anything: checked right before the call.
  await ctx.fence.check();
  const { activity } = await instances.terminateInGroup(plan.instanceId, { signal: ctx.signal });
  ctx.progress.log(`${plan.groupName}: ${activity}`);
  return { at: Date.now() };
}

/**
 * `/dev replace <machine|instance>`: terminates a machine's instance in its autoscaling group
 * (desired capacity kept), follows the group until the replacement is InService, waits for fleet to
 * list it with the same role, hands a main node's etcd member over to the member replacement, and
 * waits for the old machine's units to run again. Holds `machine@<env>`; the plan and every step's
 * result are saved, so a resumed job carries on from the step it reached and never terminates a
 * second instance.
 */
export const replaceJob: JobKind<Payload> = {
  kind: 'replace',
  payloadSchema,
  title: (p) => `Replace machine ${p.machine} (${p.environment})`,

  async preview(payload, ctx) {
    const plan = await planMachineReplace(payload.machine, payload.environment, ctx);
    return renderMachineReplacePreview(plan, payload.environment, REPLACE_WAITS);
  },

  async run(payload, ctx) {
    const { deps, progress, signal } = ctx;
    const started = Date.now();
    const { environment } = payload;
    const timings: Array<{ step: string; ms: number }> = [];
    // Planned again (the cluster may have changed since the preview); a resumed job keeps the first
    // plan. Lines are logged inside the step that found them, so a resumed job does not post them
    // to the thread a second time.
    const plan = await progress.step('Check and plan', async () => {
      const planned = await planMachineReplace(payload.machine, environment, ctx);
      progress.log(`Plan: replace ${planned.role} ${planned.instanceId} (${planned.privateIp ?? 'no IP'}) of ${planned.groupName}; units on it: ${planned.units.join(', ') || 'none'}.`);
      return planned;
    });
    if (!plan) throw new RefusedError('The plan of the earlier attempt was lost; check `/dev machines` and run the command again.');
    const pollMs = deps.config.environments[environment]?.aws?.pollIntervalMs ?? 3000;
    const waiting = (timeoutMs: number) => ({ timeoutMs, pollMs, signal, log: (l: string) => progress.log(l) });
    const ports = { instances: deps.instancesFor(environment), groups: deps.groupsFor(environment) };
    const { scheduler } = fleetOf(deps, environment);

    const cut = await timedStep(ctx, `Terminate ${plan.instanceId} in ${plan.groupName}`, 'terminate', timings, () => terminate(plan, ctx));
    const fresh = await timedStep(ctx, 'Wait for the replacement instance to be InService', 'new instance InService', timings, async () => {
      const instance = await awaitNewInstance(plan, ports, cut.at, waiting(REPLACE_WAITS.instanceMs));
      progress.log(`new instance ${instance.id} InService at ${instance.privateIp} in ${instance.zone}`);
      return instance;
    });
    const joined = await timedStep(ctx, `Wait for fleet to list ${fresh.privateIp} with role=${plan.roleMetadata ?? plan.role}`, 'in fleet', timings, () =>
      awaitFleetMachine(plan, fresh, scheduler, waiting(REPLACE_WAITS.fleetMs)));
    let etcd: string | undefined;
    if (plan.etcd) {
      const old = plan.etcd;
      // A member on a fixed address keeps it: the new node attaches the same interface.
      const peerUrl = old.fixedAddress ? old.peerUrl : `http://${fresh.privateIp}:${new URL(old.peerUrl).port || '2380'}`;
      const etcdStarted = Date.now();
      await progress.step('Wait for etcd to have quorum without the old member', () => awaitQuorum(deps.clusterFor(environment), old.member, waiting(REPLACE_WAITS.quorumMs)));
      const members = deps.membersFor(environment);
      // The stack's boot script joins a new main node by itself: then devbot makes no second change.
      // The decision is saved, so a resumed run never mistakes devbot's own learner for the node's.
      const check = await progress.step('Check whether the new node joined etcd by itself', async () => {
        const joined = selfJoinedMember(await members.inspect(), old, peerUrl);
        return joined ? { joinedId: joined.id } : { joinedId: '' };
      });
      const joined = check?.joinedId ? (await members.inspect()).members.find((m) => m.id === check.joinedId) : undefined;
      if (joined) {
        const voter = await progress.step(`Wait for ${joined.name || joined.id}, added by the new node, to be a healthy voter`, () => awaitSelfJoined(members, joined, waiting(REPLACE_WAITS.quorumMs)));
        etcd = `The new node joined etcd by itself: ${old.member} ${old.id} → ${voter?.name ?? joined.name} ${joined.id} (${peerUrl}); devbot made no membership change.`;
      } else {
        // Not forced: the old machine is gone, so its member cannot be healthy; if it is, something else answers there.
        const r = await replaceMember({ action: 'replace', environment, member: old.member, peerUrl, force: false }, ctx, { stepPrefix: 'etcd: ' });
        etcd = r.summary;
      }
      timings.push({ step: 'etcd member replaced', ms: Date.now() - etcdStarted });
    }
    const units = await timedStep(ctx, plan.units.length ? `Wait for ${plan.units.length} units to be active again` : 'No units to wait for', 'units active again', timings, async () =>
      ({ where: plan.units.length ? await awaitUnitsActive(plan.units, plan.machineId, scheduler, waiting(REPLACE_WAITS.unitsMs)) : [] }));
    await progress.finish('succeeded', renderReplaceReport({
      plan, fresh: { ...fresh, machineId: joined.machineId }, timings, ...(etcd ? { etcd } : {}), units: units.where, totalMs: Date.now() - Math.min(started, plan.plannedAt),
    }));
  },
};
