/**
 * Slack user groups for the Web API fake (slack-api.ts): `usergroups.list` and
 * `usergroups.users.list`, answered as Slack answers them, with a switch to make
 * usergroups.users.list fail (a 429 with Retry-After, or `{ ok: false, error }`) until restored.
 */
import type { Failure } from './slack-api.js';

export interface FakeUsergroup {
  id: string;
  handle: string;
  name?: string;
  users: string[];
}

export interface FakeUsergroups {
  /** Adds or replaces a user group (its id is its key). */
  define(group: FakeUsergroup): void;
  /** Replaces a group's members, as someone editing the group in Slack does (no event is sent: the test sends it). */
  setMembers(id: string, users: string[]): void;
  /** Every call to `method` (usergroups.users.list by default) fails this way until `restore()`. */
  fail(failure: Failure, method?: 'usergroups.users.list' | 'usergroups.list'): void;
  restore(): void;
  /** The failure in force for `method`, for the fake's request handler. */
  failure(method: string): Failure | undefined;
  /** `{ ok, … }` for the user group methods; undefined for any other method. */
  answer(method: string, body: Record<string, unknown>): Record<string, unknown> | undefined;
}

export function createFakeUsergroups(teamId = 'T0000001'): FakeUsergroups {
  const groups = new Map<string, FakeUsergroup>();
  const failing = new Map<string, Failure>();
  return {
    define: (group) => void groups.set(group.id, { ...group, users: [...group.users] }),
    setMembers(id, users) {
      const group = groups.get(id);
      if (!group) throw new Error(`fake Slack: no user group ${id} defined`);
      group.users = [...users];
    },
    fail: (failure, method = 'usergroups.users.list') => void failing.set(method, failure),
    restore: () => failing.clear(),
    failure: (method) => failing.get(method),
    answer(method, body) {
      if (method === 'usergroups.list') {
        const withUsers = body.include_users === true || body.include_users === 'true';
        return {
          ok: true,
          usergroups: [...groups.values()].map((g) => ({
            id: g.id, team_id: teamId, is_usergroup: true, name: g.name ?? g.handle, handle: g.handle, user_count: g.users.length,
            ...(withUsers ? { users: g.users } : {}),
          })),
        };
      }
      if (method === 'usergroups.users.list') {
        const id = typeof body.usergroup === 'string' ? body.usergroup : '';
        if (!id) return { ok: false, error: 'invalid_arguments' };
        const group = groups.get(id);
        return group ? { ok: true, users: [...group.users] } : { ok: false, error: 'no_such_subteam' };
      }
      return undefined;
    },
  };
}
