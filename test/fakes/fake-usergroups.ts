/** In-memory stand-ins for the user group ports (ports/usergroups.ts), for unit tests. */
import { UpstreamError } from '../../src/errors.js';
import type { UsergroupCache, UsergroupDirectory } from '../../src/ports/usergroups.js';

export interface FakeDirectory extends UsergroupDirectory {
  groups: Map<string, { handle: string; users: string[] }>;
  /** While set, every call fails as Slack's would (UpstreamError with this code). */
  failing?: string;
  calls: string[];
}

export function createFakeDirectory(groups: Record<string, { handle: string; users: string[] }> = {}): FakeDirectory {
  const fake: FakeDirectory = {
    groups: new Map(Object.entries(groups)),
    calls: [],
    async list() {
      fake.calls.push('usergroups.list');
      if (fake.failing) throw new UpstreamError(`while listing Slack user groups (usergroups.list): ${fake.failing}`, { service: 'slack', retryable: true });
      return [...fake.groups].map(([id, g]) => ({ id, handle: g.handle }));
    },
    async members(id) {
      fake.calls.push(`usergroups.users.list ${id}`);
      if (fake.failing) throw new UpstreamError(`while reading the members of Slack user group ${id} (usergroups.users.list): ${fake.failing}`, { service: 'slack', retryable: true });
      const group = fake.groups.get(id);
      if (!group) throw new UpstreamError(`while reading the members of Slack user group ${id} (usergroups.users.list): no_such_subteam`, { service: 'slack', retryable: false });
      return [...group.users];
    },
  };
  return fake;
}

export function createMemoryUsergroupCache(): UsergroupCache {
  const groups = new Map<string, { members: Set<string>; readAt?: number }>();
  let handles: { byHandle: Record<string, string>; readAt: number } | undefined;
  const entry = (id: string) => groups.get(id) ?? groups.set(id, { members: new Set() }).get(id)!;
  return {
    async standing(user, ids) {
      return Object.fromEntries(ids.flatMap((id) => {
        const g = groups.get(id);
        return g?.readAt === undefined ? [] : [[id, { member: g.members.has(user), readAt: g.readAt }]];
      }));
    },
    async readTimes(ids) {
      return Object.fromEntries(ids.flatMap((id) => (groups.get(id)?.readAt === undefined ? [] : [[id, groups.get(id)!.readAt!]])));
    },
    async write(id, members, readAt) {
      groups.set(id, { members: new Set(members), readAt });
    },
    async change(id, { added, removed }) {
      const g = entry(id);
      for (const u of removed) g.members.delete(u);
      for (const u of added) g.members.add(u);
    },
    async handles() {
      return handles;
    },
    async writeHandles(byHandle, readAt) {
      handles = { byHandle, readAt };
    },
  };
}
