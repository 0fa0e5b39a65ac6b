import type { AclChannel } from '../../../src/acl/decide.js';
import { availabilityFor } from '../../../src/commands/availability.js';
import { aclPolicySchema } from '../../../src/acl/policy.js';

/** One policy for the help and can-i tests: a group with everything, devs limited, a target rule. */
export const policy = aclPolicySchema.parse({
  groups: { sre: ['U_ALICE'], devs: ['U_CAROL'] },
  rules: [
    { name: 'sre-everything', groups: ['sre'], verbs: ['*'], channels: ['ops', 'dev-ops'], environments: ['*'] },
    { name: 'devs-staging', groups: ['devs'], verbs: ['status', 'deploy', 'rollback'], channels: ['dev-ops'], environments: ['staging'] },
    { name: 'devs-see-prod', groups: ['devs'], verbs: ['status'], channels: ['ops'], environments: ['prod'] },
    { name: 'dave-buildbot', users: ['U_DAVE'], verbs: ['deploy'], channels: ['*'], environments: ['prod'], targets: ['buildbot'] },
  ],
});

/** Resolved as commands/resolve-channel.ts does: `configured` is the channel's key under `channels:`. */
export const OPS: AclChannel = { id: 'C0OPS', name: 'ops', configured: 'ops' };
export const DEV_OPS: AclChannel = { id: 'C0DEVOPS', name: 'dev-ops', configured: 'dev-ops' };
export const RANDOM: AclChannel = { id: 'C0RANDOM', name: 'random' };

/** A process where only the `status` job kind is registered (local verbs are always available). */
export const isAvailable = availabilityFor({ status: true });
