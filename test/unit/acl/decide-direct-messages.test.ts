import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/acl/decide.js';
import { aclPolicySchema } from '../../../src/acl/policy.js';

const policy = aclPolicySchema.parse({
  rules: [
    { name: 'alice-dm', users: ['U_ALICE'], verbs: ['status'], channels: ['dm'], environments: ['dev'] },
    { name: 'bob-everywhere', users: ['U_BOB'], verbs: ['status'], channels: ['*'], environments: ['*'] },
  ],
});
/** A DM as commands/resolve-channel.ts resolves it. */
const DM = { id: 'D0ALICE', name: 'dm', directMessage: true };
const OPS = { id: 'C0OPS', name: 'ops', configured: 'ops' };

describe('decide in direct messages', () => {
  it('a rule naming `dm` allows a DM', () => {
    expect(decide(policy, { user: 'U_ALICE' }, { verb: 'status', channel: DM, environment: 'dev' })).toMatchObject({ allowed: true, rule: 'alice-dm' });
  });

  it("'*' does not cover DMs: they are denied unless a rule names dm, and the denial says so", () => {
    expect(decide(policy, { user: 'U_BOB' }, { verb: 'status', channel: { ...DM, id: 'D0BOB' }, environment: 'dev' })).toEqual({
      allowed: false,
      reason: '`status` is not allowed for you in a direct message (you may run it in any channel; an admin can allow DMs with `channels: [dm]` in a rule)',
    });
  });

  it('`dm` covers no channel', () => {
    expect(decide(policy, { user: 'U_ALICE' }, { verb: 'status', channel: OPS, environment: 'dev' }).allowed).toBe(false);
  });
});
