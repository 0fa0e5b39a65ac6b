import { describe, expect, it } from 'vitest';
import { answerCanI } from '../../../src/commands/can-i.js';
import { DEV_OPS, OPS, RANDOM, isAvailable, policy } from './acl-fixture.js';

describe('answerCanI', () => {
  const cases: Array<[user: string, channel: typeof OPS, environment: string, text: string, answer: string]> = [
    ['U_ALICE', OPS, 'prod', 'status', 'Can you run `status` in #ops (environment prod)? yes — allowed by rule `sre-everything`.'],
    [
      'U_ALICE', OPS, 'prod', 'failover postgres --to pg-2',
      'Can you run `failover postgres --to pg-2` in #ops (environment prod)? yes — allowed by rule `sre-everything`. (`failover` is not available yet in this version of devbot, though.)',
    ],
    ['U_CAROL', OPS, 'prod', 'status', 'Can you run `status` in #ops (environment prod)? yes — allowed by rule `devs-see-prod`.'],
    // its own --env decides, not the channel's
    ['U_CAROL', OPS, 'prod', 'status --env staging', 'Can you run `status --env staging` in #ops (environment staging)? no — `status` is allowed for you in #ops but not in environment staging (only in: prod).'],
    ['U_CAROL', DEV_OPS, 'staging', 'status', 'Can you run `status` in #dev-ops (environment staging)? yes — allowed by rule `devs-staging`.'],
    ['U_CAROL', DEV_OPS, 'staging', '/dev deploy gerrit —env prod', 'Can you run `/dev deploy gerrit —env prod` in #dev-ops (environment prod)? no — `deploy` is allowed for you in #dev-ops but not in environment prod (only in: staging).'],
    ['U_CAROL', RANDOM, 'staging', 'rollback gerrit', 'Can you run `rollback gerrit` in #random (environment staging)? no — `rollback` is not allowed for you in #random (you may run it in #dev-ops).'],
    ['U_CAROL', DEV_OPS, 'staging', 'failover postgres', 'Can you run `failover postgres` in #dev-ops (environment staging)? no — `failover` is not allowed for you anywhere (your rules cover: status, deploy, rollback).'],
    ['U_DAVE', RANDOM, 'prod', 'deploy gerrit', 'Can you run `deploy gerrit` in #random (environment prod)? no — `deploy gerrit` is not allowed for you (your rule covers: buildbot).'],
    ['U_DAVE', RANDOM, 'prod', 'deploy buildbot', 'Can you run `deploy buildbot` in #random (environment prod)? yes — allowed by rule `dave-buildbot`. (`deploy` is not available yet in this version of devbot, though.)'],
    ['U_MALLORY', OPS, 'prod', 'status', 'Can you run `status` in #ops (environment prod)? no — `status` is not allowed for you: no access rule names you (an admin can add one under acl.rules).'],
    ['U_MALLORY', OPS, 'prod', 'help deploy', 'Can you run `help deploy` in #ops (environment prod)? yes — anyone may ask `help`: it only shows you your own permissions.'],
    ['U_MALLORY', OPS, '', 'status', 'Can you run `status` in #ops (no environment set up here)? no — `status` is not allowed for you: no access rule names you (an admin can add one under acl.rules).'],
  ];
  it.each(cases)('%s in %o (%s): %s', (user, channel, environment, text, answer) => {
    const reply = answerCanI({ policy, isAvailable, principal: { user }, channel, environment, text });
    expect(reply.outcome).toBe('answered');
    expect(reply.text).toBe(answer);
    expect(reply.blocks?.length).toBe(2);
  });

  it.each([
    ['deploy', '`deploy` needs a <service>.', 'Usage: /dev deploy <service> [--version V] [--env E] [--yes]'],
    ['deplyo gerrit', '`deplyo` is not a devbot command. Did you mean `deploy`?', 'Usage: /dev <status|'],
    ['status --bogus', '`status` has no flag `--bogus`', 'Usage: /dev status [--env E]'],
    ['status \u202e', 'U+202E RIGHT-TO-LEFT OVERRIDE', 'Usage: /dev <status|'],
  ])('answers a command that does not parse with its usage error: %j', (text, message, usage) => {
    const reply = answerCanI({ policy, isAvailable, principal: { user: 'U_ALICE' }, channel: OPS, environment: 'prod', text });
    expect(reply.outcome).toBe('answered');
    const [first, second, third] = reply.text.split('\n');
    expect(first).toMatch(/^I can't tell: `.*` is not a valid command\.$/);
    expect(second).toContain(message);
    expect(third).toContain(usage);
    expect(reply.text.replaceAll('\n', ' ')).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('echoes the asked command cut short and defused', () => {
    const text = `deploy ${'x'.repeat(200)} <!channel>`;
    const reply = answerCanI({ policy, isAvailable, principal: { user: 'U_ALICE' }, channel: OPS, environment: 'prod', text });
    expect(reply.text).not.toContain('<!channel>');
    expect(reply.text).toMatch(/`deploy x{52}…`/);
  });
});
