import { z } from 'zod';

/**
 * The access policy, as written under `acl:` in the config. Deny by default: a command runs only
 * when some rule names the user (directly or through a group), the verb, the channel and the
 * environment (and the target, when the rule lists targets).
 */
const nameList = z.array(z.string().min(1)).min(1);

/** A user group's id as Slack writes it (S…), or its handle with '@' (resolved via usergroups.list). */
export const USERGROUP_ENTRY = /^(S[A-Z0-9]+|@[a-z0-9._-]+)$/;

/**
 * How long Slack user group members read from Slack are trusted. Refreshed in the background every
 * `refreshMs` (and at once on subteam_members_changed); when Slack cannot be read and the copy is
 * older than `maxAgeMs`, rules that depend on the group deny (fail closed). Ten minutes lets a
 * short Slack outage pass unnoticed while a removal missed with it cannot grant access for long.
 */
export const usergroupCacheSchema = z
  .object({
    // usergroups.users.list is Tier 2 (about 20 calls a minute, one per group per refresh): keep it in minutes.
    refreshMs: z.number().int().min(1_000, 'usergroupCache.refreshMs is in milliseconds (at least 1000)').default(120_000),
    maxAgeMs: z.number().int().min(1_000, 'usergroupCache.maxAgeMs is in milliseconds (at least 1000)').default(600_000),
  })
  .strict()
  .refine((c) => c.maxAgeMs > c.refreshMs, { message: 'usergroupCache.maxAgeMs must be longer than refreshMs, or every refresh arrives too late' });

export const aclRuleSchema = z
  .object({
    name: z.string().min(1, 'every rule needs a name, used in audit logs and `/dev can-i`'),
    users: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
    /** Slack user groups, by id (`S0123SRE`) or handle (`@sre-oncall`); members read from Slack (usergroups:read). */
    usergroups: z
      .array(z.string().regex(USERGROUP_ENTRY, 'a Slack user group is its id (S0123SRE) or its handle with @ (@sre-oncall)'))
      .optional(),
    verbs: nameList.describe("verbs this rule allows, or ['*']"),
    channels: nameList.describe("channel names (without #) or ids, or ['*']"),
    environments: nameList.describe("environment names, or ['*']"),
    targets: z.array(z.string().min(1)).optional().describe('services/databases/stacks; omitted = any'),
    /** Lets these users skip the Confirm step of dangerous commands with `--yes` (never where approvals ≥ 2). */
    allowYes: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.users.length + r.groups.length + (r.usergroups?.length ?? 0) > 0, {
    message: 'a rule must name at least one user, group or Slack user group',
  });

export const aclPolicySchema = z
  .object({
    /** Named groups of user ids (Slack user ids, or names in the console). */
    groups: z.record(z.string(), z.array(z.string().min(1))).default({}),
    rules: z.array(aclRuleSchema).default([]),
    /** Unset: the defaults of usergroupCacheSchema (see usergroupCacheOf). */
    usergroupCache: usergroupCacheSchema.optional(),
  })
  .strict();

export type AclRule = z.infer<typeof aclRuleSchema>;
export type AclPolicy = z.infer<typeof aclPolicySchema>;

export type UsergroupCacheSettings = z.infer<typeof usergroupCacheSchema>;

/** The policy's user group cache bounds, defaults filled in. */
export function usergroupCacheOf(policy: Pick<AclPolicy, 'usergroupCache'>): UsergroupCacheSettings {
  return policy.usergroupCache ?? usergroupCacheSchema.parse({});
}

/** Every Slack user group entry the rules name (ids and handles, as written), each once. */
export function usergroupEntries(policy: Pick<AclPolicy, 'rules'>): string[] {
  return [...new Set(policy.rules.flatMap((r) => r.usergroups ?? []))];
}
