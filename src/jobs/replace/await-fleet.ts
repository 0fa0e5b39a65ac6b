import type { Scheduler } from '../../ports/scheduler.js';
import type { NewInstance } from './await-instance.js';
import type { MachineReplacePlan } from './plan-machine-replace.js';
import { inWords, pollUntil, type Look, type PollOptions } from './poll-until.js';

/** Waits until fleet lists a machine at the new instance's IP with the old machine's role metadata; resolves with its id. */
export async function awaitFleetMachine(plan: MachineReplacePlan, fresh: NewInstance, scheduler: Scheduler, o: Omit<PollOptions, 'timedOut'>): Promise<{ machineId: string }> {
  const role = plan.roleMetadata ?? plan.role;
  const look = async (): Promise<Look<{ machineId: string }>> => {
    const machines = await scheduler.machines({ signal: o.signal });
    const there = machines.find((m) => m.ip === fresh.privateIp);
    if (!there) return { waiting: `fleet does not list ${fresh.privateIp} yet (${machines.length} machines)` };
    if (there.metadata['role'] !== role) return { waiting: `fleet lists ${there.id.slice(0, 8)} at ${fresh.privateIp} with role=${there.metadata['role'] ?? '(none)'}, not role=${role}` };
    return { done: { machineId: there.id } };
  };
  return pollUntil(look, {
    ...o,
    timedOut: (last) =>
      `fleet did not list the new machine ${fresh.id} (${fresh.privateIp}) with role=${role} within ${inWords(o.timeoutMs)} (last seen: ${last}). ` +
      `On ${fresh.privateIp}, check that fleet runs (\`systemctl status fleet.service\`, \`journalctl -u fleet\`), reaches etcd, and has metadata role=${role} (the instance's cloud-config).`,
  });
}
