import { z } from 'zod';

/**
 * The access policy, as written under `acl:` in the config. Deny by default: a command runs only
 * when some rule names the user (directly or through a group), the verb, the channel and the
 * environment (and the target, when the rule lists targets).
 */
const nameList = z.array(z.string().min(1)).min(1);

export const aclRuleSchema = z
  .object({
    name: z.string().min(1, 'every rule needs a name, used in audit logs and `/dev can-i`'),
    users: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
    verbs: nameList.describe("verbs this rule allows, or ['*']"),
    channels: nameList.describe("channel names (without #) or ids, or ['*']"),
    environments: nameList.describe("environment names, or ['*']"),
    targets: z.array(z.string().min(1)).optional().describe('services/databases/stacks; omitted = any'),
    /** Lets these users skip the Confirm step of dangerous commands with `--yes` (never where approvals ≥ 2). */
    allowYes: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.users.length + r.groups.length > 0, {
    message: 'a rule must name at least one user or group',
  });

export const aclPolicySchema = z
  .object({
    /** Named groups of user ids (Slack user ids, or names in the console). */
    groups: z.record(z.string(), z.array(z.string().min(1))).default({}),
    rules: z.array(aclRuleSchema).default([]),
  })
  .strict();

export type AclRule = z.infer<typeof aclRuleSchema>;
export type AclPolicy = z.infer<typeof aclPolicySchema>;
