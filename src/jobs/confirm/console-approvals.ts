import type { EnvironmentConfig } from '../../config/schema.js';
import type { Transport } from '../../ports/queue.js';

/**
 * Where two people must agree (approvals ≥ 2), the two must be identities Slack authenticated:
 * the console's `--as` is whatever its user typed, so one person with two consoles would be two
 * people. Console requests and approvals count there only with `consoleApprovals: true`.
 * Returns why a request or an approval through `transport` does not count, or undefined.
 */
export function consoleApprovalRefusal(environment: string, env: Pick<EnvironmentConfig, 'approvals' | 'consoleApprovals'> | undefined, transport: Transport): string | undefined {
  const approvals = env?.approvals ?? 1;
  if (transport.kind !== 'console' || approvals < 2 || env?.consoleApprovals) return undefined;
  return (
    `${environment} needs ${approvals} approvals from people signed in to Slack, and the console's identity (--as) is not checked by Slack, ` +
    `so it does not count here. Use /dev in Slack, or an admin sets environments.${environment}.consoleApprovals: true.`
  );
}
