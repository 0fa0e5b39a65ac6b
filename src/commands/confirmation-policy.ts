import type { AclPolicy } from '../acl/policy.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Command } from './command.js';
import { isDangerous } from './grammar.js';

/**
 * Whether a command must be confirmed before it runs: dangerous verbs always, and deploys or
 * rollbacks to a protected environment. (Cancelling someone else's job is decided by cancel.)
 */
export function needsConfirmation(command: Command, env: EnvironmentConfig): boolean {
  if (isDangerous(command)) return true;
  // An exec entry says itself whether it is dangerous (environments.<env>.remote.exec.<entry>.dangerous).
  if (command.verb === 'exec') return env.remote?.exec[command.entry]?.dangerous === true;
  return (command.verb === 'deploy' || command.verb === 'rollback' || command.verb === 'converge') && env.protected;
}

/** `--yes` skips the Confirm step only when the deciding rule allows it and no second approver is required. */
export function maySkipConfirmation(policy: AclPolicy, ruleName: string | undefined, env: EnvironmentConfig): boolean {
  if (env.approvals > 1 || !ruleName) return false;
  return policy.rules.find((r) => r.name === ruleName)?.allowYes === true;
}

/** What a command locks: one operation per service, database, unit or stack, per environment. */
export function lockTargetOf(command: Command, environment: string): string | undefined {
  switch (command.verb) {
    case 'deploy':
    case 'rollback':
      return `service/${command.service}@${environment}`;
    case 'failover':
      return `database/${command.database}@${environment}`;
    case 'stack':
      return `stack@${environment}`;
    case 'units':
      return command.action === 'list' ? undefined : `unit/${command.unit}@${environment}`;
    case 'etcd':
      // One membership change at a time per cluster; snapshots have their own lock in the job.
      return command.action === 'replace' ? `etcd@${environment}` : undefined;
    case 'replace':
      // One machine replacement per environment at a time: each one takes a node out for a while.
      return `machine@${environment}`;
    case 'converge':
      // The whole catalog at once; each service's own lock is taken by the job as it touches it.
      return `converge@${environment}`;
    default:
      return undefined;
  }
}
