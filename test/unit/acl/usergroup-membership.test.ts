import { describe, expect, it } from 'vitest';
import { aclPolicySchema } from '../../../src/acl/policy.js';
import { createUsergroupMembership } from '../../../src/acl/usergroup-membership.js';
import { silentLogger } from '../../../src/log.js';
import { createFakeDirectory, createMemoryUsergroupCache } from '../../fakes/fake-usergroups.js';

const policy = aclPolicySchema.parse({
  usergroupCache: { refreshMs: 60_000, maxAgeMs: 600_000 },
  rules: [
    { name: 'oncall', usergroups: ['@sre-oncall'], verbs: ['deploy'], channels: ['*'], environments: ['*'] },
    { name: 'platform', usergroups: ['S0PLATFORM'], verbs: ['status'], channels: ['*'], environments: ['*'] },
  ],
});

function setup() {
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const directory = createFakeDirectory({ S0ONCALL: { handle: 'sre-oncall', users: ['U_ANN'] }, S0PLATFORM: { handle: 'platform', users: ['U_BEN'] } });
  const cache = createMemoryUsergroupCache();
  const membership = createUsergroupMembership({ policy, directory, cache, now: () => new Date(clock), log: silentLogger() });
  return { directory, cache, membership, advance: (ms: number) => (clock += ms) };
}

describe('Slack user group membership for the ACL', () => {
  it('resolves @handles through usergroups.list and reads members once, then answers from the cache', async () => {
    const { directory, membership } = setup();
    expect(await membership.standingOf('U_ANN')).toEqual({ memberOf: { '@sre-oncall': '@sre-oncall' }, unreadable: {} });
    const slackCalls = directory.calls.length;
    expect(await membership.standingOf('U_BEN')).toEqual({ memberOf: { S0PLATFORM: 'S0PLATFORM' }, unreadable: {} });
    expect(directory.calls.length).toBe(slackCalls);
  });

  it('keeps answering from a copy younger than its bound while Slack fails', async () => {
    const { directory, membership, advance } = setup();
    await membership.refresh();
    directory.failing = 'ratelimited';
    advance(9 * 60_000);
    expect((await membership.standingOf('U_ANN')).memberOf).toEqual({ '@sre-oncall': '@sre-oncall' });
  });

  it('marks a group unreadable, saying why and how old its copy is, once Slack fails past the bound', async () => {
    const { directory, membership, advance } = setup();
    await membership.refresh();
    directory.failing = 'ratelimited';
    advance(11 * 60_000);
    const standing = await membership.standingOf('U_ANN');
    expect(standing.memberOf).toEqual({});
    expect(standing.unreadable['S0PLATFORM']).toBe(
      'while reading the members of Slack user group S0PLATFORM (usergroups.users.list): ratelimited; last read 11 min ago, longer than the 10 min devbot trusts a copy',
    );
    expect(standing.unreadable['@sre-oncall']).toMatch(/^could not resolve @sre-oncall: .*usergroups\.list.*ratelimited$/);
  });

  it('reads a stale group again on demand, and a removal shows at once', async () => {
    const { directory, membership, advance } = setup();
    await membership.refresh();
    directory.groups.get('S0ONCALL')!.users = [];
    advance(11 * 60_000);
    expect((await membership.standingOf('U_ANN')).memberOf).toEqual({});
  });

  it('applies subteam_members_changed at once, even when Slack cannot be read just then', async () => {
    const { directory, membership } = setup();
    await membership.refresh();
    directory.failing = 'fatal_error';
    await membership.membersChanged({ id: 'S0ONCALL', added: ['U_CAT'], removed: ['U_ANN'] });
    expect((await membership.standingOf('U_ANN')).memberOf).toEqual({});
    expect((await membership.standingOf('U_CAT')).memberOf).toEqual({ '@sre-oncall': '@sre-oncall' });
  });

  it('says so when no user group has the handle a rule names', async () => {
    const { directory, membership } = setup();
    directory.groups.delete('S0ONCALL');
    expect((await membership.standingOf('U_ANN')).unreadable['@sre-oncall']).toBe('Slack has no user group with the handle @sre-oncall; an admin should fix the rule');
  });

  it('a refresh skips groups read lately (by any replica: the cache is shared)', async () => {
    const { directory, membership, advance } = setup();
    await membership.refresh();
    const after = directory.calls.filter((c) => c.startsWith('usergroups.users.list')).length;
    advance(10_000);
    await membership.refresh();
    expect(directory.calls.filter((c) => c.startsWith('usergroups.users.list')).length).toBe(after);
    advance(30_000);
    await membership.refresh();
    expect(directory.calls.filter((c) => c.startsWith('usergroups.users.list')).length).toBe(after + 2);
  });
});
