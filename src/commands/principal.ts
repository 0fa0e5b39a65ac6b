import type { Principal } from '../acl/decide.js';
import { usergroupEntries, type AclPolicy } from '../acl/policy.js';
import type { UsergroupMembership } from '../acl/usergroup-membership.js';

/**
 * The asker as decide() sees them, their Slack user groups read first (decide stays pure). A
 * process built without user group support still fails closed: the groups are unreadable, saying so.
 */
export async function principalFor(user: string, deps: { config: { acl: AclPolicy }; usergroups?: UsergroupMembership }): Promise<Principal> {
  if (deps.usergroups) return { user, usergroups: await deps.usergroups.standingOf(user) };
  const entries = usergroupEntries(deps.config.acl);
  if (entries.length === 0) return { user };
  const unreadable = Object.fromEntries(entries.map((e) => [e, 'this devbot process does not read Slack user groups']));
  return { user, usergroups: { memberOf: {}, unreadable } };
}
