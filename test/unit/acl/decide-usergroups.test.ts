import { describe, expect, it } from 'vitest';
import { decide, type AclChannel, type Principal } from '../../../src/acl/decide.js';
import { aclPolicySchema } from '../../../src/acl/policy.js';
import { answerCanI } from '../../../src/commands/can-i.js';
import { availabilityFor } from '../../../src/commands/availability.js';

const OPS: AclChannel = { id: 'C0OPS', name: 'ops', configured: 'ops' };
const policy = aclPolicySchema.parse({
  groups: { leads: ['U_LEAD'] },
  rules: [
    { name: 'sre-oncall', usergroups: ['@sre-oncall'], verbs: ['deploy', 'failover'], channels: ['ops'], environments: ['prod'] },
    { name: 'platform', usergroups: ['S0PLATFORM'], verbs: ['status'], channels: ['ops'], environments: ['*'] },
    { name: 'leads-status', groups: ['leads'], usergroups: ['@sre-oncall'], verbs: ['status'], channels: ['ops'], environments: ['prod'] },
  ],
});
const deployApi = { verb: 'deploy' as const, target: 'api', channel: OPS, environment: 'prod' };
const inGroup = (user: string, memberOf: Record<string, string>, unreadable: Record<string, string> = {}): Principal => ({ user, usergroups: { memberOf, unreadable } });

describe('decide with Slack user groups', () => {
  it('allows a member of a user group the rule names, and says it was through that group', () => {
    expect(decide(policy, inGroup('U_ANN', { '@sre-oncall': '@sre-oncall' }), deployApi)).toEqual({
      allowed: true,
      rule: 'sre-oncall',
      usergroup: '@sre-oncall',
      reason: 'allowed by rule `sre-oncall`, as a member of the Slack user group @sre-oncall',
    });
    expect(decide(policy, inGroup('U_ANN', { S0PLATFORM: 'S0PLATFORM' }), { verb: 'status', channel: OPS, environment: 'staging' })).toMatchObject({ allowed: true, rule: 'platform', usergroup: 'S0PLATFORM' });
  });

  it('does not name a user group when the rule names the user directly as well', () => {
    const decision = decide(policy, inGroup('U_LEAD', { '@sre-oncall': '@sre-oncall' }), { verb: 'status', channel: OPS, environment: 'prod' });
    expect(decision).toMatchObject({ allowed: true, rule: 'leads-status', reason: 'allowed by rule `leads-status`' });
    expect(decision.usergroup).toBeUndefined();
  });

  it('denies someone in none of the groups as it denies anyone no rule names', () => {
    expect(decide(policy, inGroup('U_ANN', {}), deployApi)).toEqual({
      allowed: false,
      reason: '`deploy` is not allowed for you: no access rule names you (an admin can add one under acl.rules)',
    });
    expect(decide(policy, { user: 'U_ANN' }, deployApi).allowed).toBe(false);
  });

  it('fails closed when the group that would allow could not be read, and says why', () => {
    const why = 'usergroups.users.list failed: ratelimited; last read 14 min ago, longer than the 10 min devbot trusts a copy';
    expect(decide(policy, inGroup('U_ANN', {}, { '@sre-oncall': why }), deployApi)).toEqual({
      allowed: false,
      reason: `\`deploy\` is denied for now: rule \`sre-oncall\` allows it to members of the Slack user group @sre-oncall, and devbot cannot tell whether you are one (${why}). Try again in a few minutes; until then only rules that name you directly apply`,
    });
  });

  it('an unreadable group does not take away what another rule allows, nor muddle a denial it could not lift', () => {
    const unreadable = { '@sre-oncall': 'Slack did not answer' };
    expect(decide(policy, inGroup('U_LEAD', {}, unreadable), { verb: 'status', channel: OPS, environment: 'prod' })).toMatchObject({ allowed: true, rule: 'leads-status' });
    // sre-oncall does not cover etcd, so the reason is the policy's, not the unread group's.
    expect(decide(policy, inGroup('U_LEAD', {}, unreadable), { verb: 'etcd', channel: OPS, environment: 'prod' }).reason).toBe('`etcd` is not allowed for you anywhere (your rules cover: status)');
  });

  it('/dev can-i names the user group that allowed', () => {
    const reply = answerCanI({ policy, principal: inGroup('U_ANN', { '@sre-oncall': '@sre-oncall' }), channel: OPS, environment: 'prod', isAvailable: availabilityFor({ deploy: true }), text: 'deploy api' });
    expect(reply.text).toBe('Can you run `deploy api` in #ops (environment prod)? yes — allowed by rule `sre-oncall`, as a member of the Slack user group @sre-oncall.');
  });
});

describe('the policy schema and Slack user groups', () => {
  it('accepts a rule that names only user groups, by id or @handle', () => {
    expect(policy.rules[0]?.usergroups).toEqual(['@sre-oncall']);
  });

  it('refuses an entry that is neither an S… id nor an @handle, saying how to write one', () => {
    const result = aclPolicySchema.safeParse({ rules: [{ name: 'x', usergroups: ['sre-oncall'], verbs: ['status'], channels: ['*'], environments: ['*'] }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('a Slack user group is its id (S0123SRE) or its handle with @ (@sre-oncall)');
  });

  it('refuses a cache bound no longer than its refresh period', () => {
    const result = aclPolicySchema.safeParse({ usergroupCache: { refreshMs: 60_000, maxAgeMs: 30_000 } });
    expect(result.error?.issues[0]?.message).toMatch(/maxAgeMs must be longer than refreshMs/);
  });
});
