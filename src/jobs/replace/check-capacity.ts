import { RefusedError } from '../../errors.js';
import type { GroupInstance } from '../../ports/instances.js';

/**
 * Refuses when the group is short of its desired capacity without counting the machine to
 * replace: another replacement or a scale-out is under way, or instances are failing, and taking
 * one more out would leave it shorter still. The machine itself may be unhealthy: that is why
 * it is replaced. Pure.
 */
export function checkCapacity(group: { name: string; desired: number }, instances: GroupInstance[], replacing: string): void {
  const others = instances.filter((i) => i.id !== replacing);
  const serving = others.filter((i) => i.lifecycleState === 'InService' && i.healthStatus !== 'Unhealthy');
  if (serving.length + 1 >= group.desired) return;
  const short = others.filter((i) => !serving.includes(i)).map((i) => `${i.id} ${i.lifecycleState}${i.healthStatus === 'Unhealthy' ? ' Unhealthy' : ''}`);
  throw new RefusedError(
    `${group.name} is already below its desired capacity: besides ${replacing}, ${serving.length} of ${group.desired - 1} instances are in service and healthy` +
      `${short.length ? ` (${short.join(', ')})` : ''}. A replacement or scaling is under way, or instances are failing: wait until \`/dev machines\` shows the group at full strength, then try again.`,
  );
}
