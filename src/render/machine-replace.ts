import type { MachineReplacePlan } from '../jobs/replace/plan-machine-replace.js';
import { describeOld } from '../jobs/replace/plan-machine-replace.js';
import { inWords } from '../jobs/replace/poll-until.js';
import type { ChatMessage } from '../ports/chat.js';
import { escapeMrkdwn, fitMessage, section } from './limits.js';


export interface ReplaceWaits {
  instanceMs: number;
  fleetMs: number;
  unitsMs: number;
}

/** The steps of a machine replacement, in words, for the preview. */
export function machineReplaceSteps(plan: MachineReplacePlan, waits: ReplaceWaits): string[] {
  const role = plan.roleMetadata ?? plan.role;
  return [
    `terminate ${plan.instanceId} in ${plan.groupName} without lowering its desired capacity, so the group launches a replacement`,
    `follow the group's scaling activities until the new instance is InService (up to ${inWords(waits.instanceMs)})`,
    `wait until fleet lists the new machine with role=${role} (up to ${inWords(waits.fleetMs)})`,
    ...(plan.etcd ? [`replace etcd member ${plan.etcd.member} (${plan.etcd.id}) with the new machine's address, as \`/dev etcd replace\` does: remove it, add the new one as a learner, wait for it to catch up, promote it`] : []),
    plan.units.length
      ? `wait until its ${plan.units.length} units (${plan.units.join(', ')}) are active again elsewhere (up to ${inWords(waits.unitsMs)})`
      : 'no units ran on it: nothing to wait for in fleet',
    'report each step and how long it took',
  ];
}

/** What `/dev replace` will do, shown above Confirm / Cancel. Pure. */
export function renderMachineReplacePreview(plan: MachineReplacePlan, environment: string, waits: ReplaceWaits): ChatMessage {
  const steps = machineReplaceSteps(plan, waits);
  const head = `Replace ${describeOld(plan)} in ${environment}`;
  const where = `${plan.instanceId} is in ${plan.groupName}, ${plan.zone || 'zone unknown'}.${plan.etcd ? ` etcd voters now: ${plan.etcd.voters.join(', ')}.` : ''}`;
  const warn = `${plan.instanceId} is terminated for good: whatever is only on its disk is lost.`;
  const text = [head, where, 'devbot will:', ...steps.map((s, i) => `  ${i + 1}. ${s}`), warn].join('\n');
  return fitMessage({
    text,
    blocks: [
      section(`*${escapeMrkdwn(head)}*`),
      section(escapeMrkdwn(where)),
      section(`*devbot will*\n${steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n')}`),
      section(escapeMrkdwn(warn)),
    ],
  });
}

export interface ReplaceReport {
  plan: MachineReplacePlan;
  fresh: { id: string; privateIp: string; zone: string; machineId: string };
  /** Each step's name and how long it took, in order. */
  timings: Array<{ step: string; ms: number }>;
  etcd?: string;
  units: string[];
  totalMs: number;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The final line of a machine replacement: old → new, each step's time, where the units run. Pure. */
export function renderReplaceReport(r: ReplaceReport): string {
  const fresh = `${r.fresh.id} (${r.fresh.privateIp} in ${r.fresh.zone || '?'}, machine ${r.fresh.machineId.slice(0, 8)})`;
  const steps = r.timings.map((t) => `${t.step} ${secs(t.ms)}`).join(' · ');
  const units = r.units.length ? `Units active again: ${r.units.join(', ')}.` : 'No units ran on it.';
  return `Replaced ${describeOld(r.plan)} with ${fresh} in ${secs(r.totalMs)}. Steps: ${steps}. ${units}${r.etcd ? ` etcd: ${r.etcd}` : ''}`;
}
