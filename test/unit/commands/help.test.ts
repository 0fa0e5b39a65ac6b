import { describe, expect, it } from 'vitest';
import { answerHelp } from '../../../src/commands/help.js';
import type { Verb } from '../../../src/commands/verbs.js';
import type { CommandReply } from '../../../src/commands/types.js';
import { DEV_OPS, OPS, RANDOM, isAvailable, policy } from './acl-fixture.js';

/** The usage lines help lists, in order, read from the plain-text fallback. */
const listed = (reply: CommandReply): string[] => reply.text.split('\n').filter((l) => l.startsWith('/dev ')).map((l) => l.split(' ')[1] ?? '');

function expectWithinSlackLimits(reply: CommandReply): void {
  expect(reply.text.length).toBeLessThanOrEqual(4000);
  expect(reply.blocks?.length ?? 0).toBeLessThanOrEqual(50);
  for (const block of reply.blocks ?? []) {
    const text = (block as { text?: { text?: string } }).text?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(3000);
  }
}

describe('answerHelp', () => {
  const cases: Array<[label: string, user: string, channel: typeof OPS, environment: string, verbs: string[], notYet: string | undefined]> = [
    ['sre in ops', 'U_ALICE', OPS, 'prod', ['status', 'help', 'can-i', 'jobs', 'cancel', 'locks', 'audit', 'alerts', 'silence', 'remediation'], 'deploy, rollback, deployments, stack, units, failover, etcd, converge, drift, machines, logs, exec, replace'],
    ['dev in dev-ops', 'U_CAROL', DEV_OPS, 'staging', ['status', 'help', 'can-i'], 'deploy, rollback'],
    ['dev in ops', 'U_CAROL', OPS, 'prod', ['status', 'help', 'can-i'], undefined],
    ['target-limited user: the verb counts (help asks no target)', 'U_DAVE', RANDOM, 'prod', ['help', 'can-i'], 'deploy'],
  ];
  it.each(cases)('%s: lists only what the user may run there', (_label, user, channel, environment, verbs, notYet) => {
    const reply = answerHelp({ policy, isAvailable, principal: { user }, channel, environment });
    expect(reply.outcome).toBe('answered');
    expect(reply.text).toContain(`Commands you may run in #${channel.name} (environment ${environment}):`);
    expect(listed(reply)).toEqual(verbs);
    if (notYet) expect(reply.text).toContain(`Allowed for you but not available yet in this version: ${notYet}.`);
    else expect(reply.text).not.toContain('not available yet');
    expectWithinSlackLimits(reply);
  });

  it.each([
    ['an unknown user', 'U_MALLORY', OPS, 'prod'],
    ['a dev in a channel their rules do not name', 'U_CAROL', RANDOM, 'staging'],
  ])('tells %s plainly that they may run nothing here, and whom to ask', (_label, user, channel, environment) => {
    const reply = answerHelp({ policy, isAvailable, principal: { user }, channel, environment });
    expect(reply.outcome).toBe('answered');
    expect(reply.text).toContain(`You may not run any devbot commands in #${channel.name} (environment ${environment}).`);
    expect(reply.text).toContain('adding a rule for you under `acl.rules`');
    expect(reply.text).toContain(`your user id, \`${user}\``);
    expect(listed(reply)).toEqual([]);
    expectWithinSlackLimits(reply);
  });

  it('says when the channel has no environment', () => {
    const reply = answerHelp({ policy, isAvailable, principal: { user: 'U_MALLORY' }, channel: RANDOM, environment: '' });
    expect(reply.text).toContain('#random (no environment set up here)');
  });

  const topics: Array<[Verb, string, RegExp]> = [
    ['status', 'U_CAROL', /You may run it in #ops \(environment prod\)\.$/],
    ['deploy', 'U_ALICE', /This command is not available yet in this version of devbot\.$/],
    ['status', 'U_MALLORY', /You may not run it here — `status` is not allowed for you: no access rule names you/],
    ['help', 'U_MALLORY', /You may run it in #ops/],
  ];
  it.each(topics)('help %s for %s shows usage, examples and access', (verb, user, access) => {
    const reply = answerHelp({ policy, isAvailable, principal: { user }, channel: OPS, environment: 'prod', topic: verb });
    expect(reply.outcome).toBe('answered');
    const lines = reply.text.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^/dev ${verb}`));
    expect(reply.text).toMatch(new RegExp(`  e\\.g\\. /dev ${verb}`));
    expect(reply.text).toMatch(access);
    expectWithinSlackLimits(reply);
  });

  it('escapes the usage placeholders in blocks, so Slack does not read <service> as a link', () => {
    const reply = answerHelp({ policy, isAvailable, principal: { user: 'U_ALICE' }, channel: OPS, environment: 'prod', topic: 'deploy' });
    expect(JSON.stringify(reply.blocks)).toContain('&lt;service&gt;');
    expect(JSON.stringify(reply.blocks)).not.toContain('<service>');
  });

  it('sanitises a hostile channel or user name', () => {
    const reply = answerHelp({ policy, isAvailable, principal: { user: 'U`<!here>' }, channel: { id: 'C1', name: '<!channel>' }, environment: 'prod' });
    expect(reply.text).not.toMatch(/<!/);
    expect(JSON.stringify(reply.blocks)).not.toMatch(/<!/);
  });
});
