import { describe, expect, it } from 'vitest';
import { allowedVerbs, decide, type AclRequest } from '../../../src/acl/decide.js';
import { aclPolicySchema } from '../../../src/acl/policy.js';
import type { Verb } from '../../../src/commands/verbs.js';

const policy = aclPolicySchema.parse({
  groups: { sre: ['U_ALICE', 'U_BOB'], devs: ['U_CAROL'], nobody: [] },
  rules: [
    { name: 'sre-everything', groups: ['sre'], verbs: ['*'], channels: ['ops', '#dev-ops'], environments: ['*'] },
    { name: 'devs-staging', groups: ['devs'], verbs: ['status', 'deploy', 'rollback'], channels: ['dev-ops'], environments: ['staging'] },
    { name: 'devs-see-prod', groups: ['devs'], verbs: ['status'], channels: ['C0OPS'], environments: ['prod'] },
    { name: 'dave-buildbot', users: ['U_DAVE'], verbs: ['deploy', 'rollback'], channels: ['*'], environments: ['prod'], targets: ['buildbot'] },
    { name: 'dave-ci-staging', users: ['U_DAVE'], verbs: ['deploy'], channels: ['*'], environments: ['staging'], targets: ['buildbot', 'ci-runner'] },
    { name: 'ghost-group', groups: ['undefined-group'], verbs: ['*'], channels: ['*'], environments: ['*'] },
    { name: 'everyone-lab', users: ['*'], verbs: ['status'], channels: ['lab'], environments: ['lab'] },
    { name: 'erin-wildcard-target', users: ['U_ERIN'], verbs: ['failover'], channels: ['ops'], environments: ['prod'], targets: ['*'] },
  ],
});

/** Channels as commands/resolve-channel.ts resolves them: `configured` is their key under `channels:`. */
const OPS = { id: 'C0OPS', name: 'ops', configured: 'ops' };
const DEV_OPS = { id: 'C0DEVOPS', name: 'dev-ops', configured: 'dev-ops' };
const RANDOM = { id: 'C0RANDOM', name: 'random' };
const LAB = { id: 'C0LAB', name: 'lab', configured: 'lab' };
/** The console passes the channel name as its id too (a configured channel without an id). */
const CONSOLE_OPS = { id: 'ops', name: 'ops', configured: 'ops' };
/** Not the configured #ops: another channel (or another workspace's) that is merely named so. */
const LOOKALIKE_OPS = { id: 'C9', name: 'ops' };

type Row = [label: string, user: string, verb: Verb, target: string | undefined, channel: AclRequest['channel'], env: string, expected: { rule: string } | { reason: string }];

const rows: Row[] = [
  // groups and '*' verbs
  ['sre member, any verb, by group', 'U_ALICE', 'failover', 'postgres', OPS, 'prod', { rule: 'sre-everything' }],
  ['other sre member', 'U_BOB', 'stack', 'stack', DEV_OPS, 'staging', { rule: 'sre-everything' }],
  ['channel listed with #', 'U_ALICE', 'deploy', 'gerrit', DEV_OPS, 'prod', { rule: 'sre-everything' }],
  ['configured channel matched case-insensitively', 'U_ALICE', 'locks', undefined, { id: 'C0OPS', name: 'ops', configured: 'OPS' }, 'prod', { rule: 'sre-everything' }],
  ['configured channel, whatever Slack now calls it', 'U_ALICE', 'locks', undefined, { id: 'C0OPS', name: 'renamed', configured: 'ops' }, 'prod', { rule: 'sre-everything' }],
  ['a channel merely named like a configured one is not it', 'U_ALICE', 'locks', undefined, LOOKALIKE_OPS, 'prod', {
    reason: '`locks` is not allowed for you in #ops (you may run it in #ops, #dev-ops); this is not the #ops devbot is configured for (configured channels are matched by their id)',
  }],
  ['an id entry is never compared with a channel name', 'U_CAROL', 'status', undefined, { id: 'C7', name: 'c0ops' }, 'prod', { reason: '`status` is not allowed for you in #c0ops (you may run it in #dev-ops, C0OPS, #lab)' }],
  ['Slack Connect refused in a channel that does not allow it', 'U_ALICE', 'locks', undefined, { ...OPS, external: 'you are signed in to workspace T0OTHER' }, 'prod', {
    reason: 'devbot does not take commands from outside its own Slack workspace: you are signed in to workspace T0OTHER. (A channel meant for Slack Connect can allow them: `channels.ops.allowShared: true`.)',
  }],
  ['Slack Connect allowed where the channel says so', 'U_ALICE', 'locks', undefined, { ...OPS, external: 'shared', allowShared: true }, 'prod', { rule: 'sre-everything' }],
  ['console channel (id = name)', 'U_ALICE', 'jobs', undefined, CONSOLE_OPS, 'prod', { rule: 'sre-everything' }],
  ['sre outside their channels', 'U_ALICE', 'deploy', 'gerrit', RANDOM, 'prod', { reason: '`deploy` is not allowed for you in #random (you may run it in #ops, #dev-ops)' }],
  // devs: verbs, channels, environments
  ['dev deploys to staging', 'U_CAROL', 'deploy', 'gerrit', DEV_OPS, 'staging', { rule: 'devs-staging' }],
  ['dev deploys to prod from the staging channel', 'U_CAROL', 'deploy', 'gerrit', DEV_OPS, 'prod', { reason: '`deploy` is allowed for you in #dev-ops but not in environment prod (only in: staging)' }],
  ['dev status in ops, channel listed by id', 'U_CAROL', 'status', undefined, OPS, 'prod', { rule: 'devs-see-prod' }],
  ['dev status in ops for staging', 'U_CAROL', 'status', undefined, OPS, 'staging', { reason: '`status` is allowed for you in #ops but not in environment staging (only in: prod)' }],
  ['dev deploy in ops', 'U_CAROL', 'deploy', 'gerrit', OPS, 'prod', { reason: '`deploy` is not allowed for you in #ops (you may run it in #dev-ops)' }],
  ['dev failover anywhere', 'U_CAROL', 'failover', 'postgres', DEV_OPS, 'staging', { reason: '`failover` is not allowed for you anywhere (your rules cover: status, deploy, rollback)' }],
  ['dev in a channel devbot does not know', 'U_CAROL', 'status', undefined, { id: 'C0NEW', name: 'new-channel' }, 'staging', { reason: '`status` is not allowed for you in #new-channel (you may run it in #dev-ops, C0OPS, #lab)' }],
  ['channel without an environment', 'U_CAROL', 'status', undefined, DEV_OPS, '', { reason: '`status` is allowed for you in #dev-ops but not without an environment (none is set up here; pass --env) (only in: staging)' }],
  // targets
  ['target listed', 'U_DAVE', 'deploy', 'buildbot', RANDOM, 'prod', { rule: 'dave-buildbot' }],
  ['target not listed, one rule', 'U_DAVE', 'deploy', 'gerrit', RANDOM, 'prod', { reason: '`deploy gerrit` is not allowed for you (your rule covers: buildbot)' }],
  ['target not listed, two rules', 'U_DAVE', 'deploy', 'gerrit', { id: 'C1', name: 'x' }, 'staging', { reason: '`deploy gerrit` is not allowed for you (your rule covers: buildbot, ci-runner)' }],
  ['second target of a rule', 'U_DAVE', 'deploy', 'ci-runner', RANDOM, 'staging', { rule: 'dave-ci-staging' }],
  ['no target asked (help): targets-limited rule still matches', 'U_DAVE', 'rollback', undefined, RANDOM, 'prod', { rule: 'dave-buildbot' }],
  ['targets: [*]', 'U_ERIN', 'failover', 'anything', OPS, 'prod', { rule: 'erin-wildcard-target' }],
  // users: '*', unknown users, undefined groups
  ['everyone in the lab', 'U_STRANGER', 'status', undefined, LAB, 'lab', { rule: 'everyone-lab' }],
  ['everyone, but not another verb', 'U_STRANGER', 'deploy', 'x', LAB, 'lab', { reason: '`deploy` is not allowed for you anywhere (your rules cover: status)' }],
  ['unknown user', 'U_MALLORY', 'deploy', 'gerrit', OPS, 'prod', { reason: '`deploy` is not allowed for you anywhere (your rules cover: status)' }],
  ['rule naming an undefined group matches nobody', 'undefined-group', 'deploy', 'x', OPS, 'prod', { reason: '`deploy` is not allowed for you anywhere (your rules cover: status)' }],
  // help and can-i: anyone
  ['help for an unknown user', 'U_MALLORY', 'help', undefined, RANDOM, 'prod', { reason: 'anyone may ask `help`: it only shows you your own permissions' }],
  ['can-i for an unknown user', 'U_MALLORY', 'can-i', undefined, RANDOM, '', { reason: 'anyone may ask `can-i`: it only shows you your own permissions' }],
];

describe('decide', () => {
  it.each(rows)('%s', (_label, user, verb, target, channel, environment, expected) => {
    const decision = decide(policy, { user }, { verb, target, channel, environment });
    if ('rule' in expected) {
      expect(decision).toEqual({ allowed: true, rule: expected.rule, reason: `allowed by rule \`${expected.rule}\`` });
    } else {
      expect(decision.reason).toBe(expected.reason);
      expect(decision.rule).toBeUndefined();
      expect(decision.allowed).toBe(verb === 'help' || verb === 'can-i');
    }
  });

  it('denies everything but help and can-i under an empty policy, naming the missing rule', () => {
    const empty = aclPolicySchema.parse({});
    expect(decide(empty, { user: 'U_ALICE' }, { verb: 'status', channel: OPS, environment: 'prod' })).toEqual({
      allowed: false,
      reason: '`status` is not allowed for you: no access rule names you (an admin can add one under acl.rules)',
    });
    expect(allowedVerbs(empty, { user: 'U_ALICE' }, { channel: OPS, environment: 'prod' })).toEqual(['help', 'can-i']);
  });

  it('names the first matching rule in policy order', () => {
    const twice = aclPolicySchema.parse({
      rules: [
        { name: 'first', users: ['U1'], verbs: ['status'], channels: ['*'], environments: ['*'] },
        { name: 'second', users: ['U1'], verbs: ['*'], channels: ['*'], environments: ['*'] },
      ],
    });
    expect(decide(twice, { user: 'U1' }, { verb: 'status', channel: OPS, environment: 'prod' }).rule).toBe('first');
  });

  it('keeps a denial one readable line however large the policy', () => {
    const big = aclPolicySchema.parse({
      rules: [{ name: 'many', users: ['U1'], verbs: ['deploy'], channels: ['*'], environments: ['*'], targets: Array.from({ length: 500 }, (_, i) => `svc-${i}`) }],
    });
    const { reason } = decide(big, { user: 'U1' }, { verb: 'deploy', target: 'other', channel: OPS, environment: 'prod' });
    expect(reason).toBe('`deploy other` is not allowed for you (your rule covers: svc-0, svc-1, svc-2, svc-3, svc-4, svc-5, svc-6, svc-7 and 492 more)');
  });
});

describe('allowedVerbs', () => {
  const cases: Array<[string, string, AclRequest['channel'], string, Verb[]]> = [
    ['sre in ops', 'U_ALICE', OPS, 'prod', ['status', 'help', 'can-i', 'deploy', 'rollback', 'deployments', 'stack', 'units', 'failover', 'jobs', 'cancel', 'locks', 'audit', 'alerts', 'silence', 'etcd', 'converge', 'drift', 'machines', 'logs', 'exec', 'replace', 'remediation']],
    ['dev in dev-ops, staging', 'U_CAROL', DEV_OPS, 'staging', ['status', 'help', 'can-i', 'deploy', 'rollback']],
    ['dev in ops, prod', 'U_CAROL', OPS, 'prod', ['status', 'help', 'can-i']],
    ['dev in random', 'U_CAROL', RANDOM, 'prod', ['help', 'can-i']],
    ['dave anywhere in prod (targets ignored without a target)', 'U_DAVE', RANDOM, 'prod', ['help', 'can-i', 'deploy', 'rollback']],
    ['unknown user', 'U_MALLORY', OPS, 'prod', ['help', 'can-i']],
    ['unknown user in the lab', 'U_MALLORY', LAB, 'lab', ['status', 'help', 'can-i']],
  ];
  it.each(cases)('%s', (_label, user, channel, environment, expected) => {
    expect(allowedVerbs(policy, { user }, { channel, environment })).toEqual(expected);
  });
});
