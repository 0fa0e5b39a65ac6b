import type { Logger } from '../log.js';
import type { UsergroupCache, UsergroupDirectory } from '../ports/usergroups.js';
import { usergroupCacheOf, usergroupEntries, type AclPolicy } from './policy.js';
import { NO_USERGROUPS, type UsergroupStanding } from './usergroup-standing.js';

/** Reads Slack user group membership for the ACL: cached, refreshed, changed by events, failing closed. */
export interface UsergroupMembership {
  /** The user's standing in every group the policy names. Never throws: what cannot be read is `unreadable`, with why. */
  standingOf(user: string): Promise<UsergroupStanding>;
  /** Reads every group the policy names from Slack into the cache, skipping ones another replica read lately. Never throws. */
  refresh(): Promise<void>;
  /** subteam_members_changed: the diff applies at once, then the group is read again. Never throws. */
  membersChanged(change: { id: string; added: string[]; removed: string[] }): Promise<void>;
}

export interface MembershipDeps {
  policy: AclPolicy;
  /** Absent where devbot has no bot token: every group is unreadable. */
  directory?: UsergroupDirectory;
  cache: UsergroupCache;
  now(): Date;
  log: Logger;
}

const minutes = (ms: number): string => (ms < 90_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);
const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createUsergroupMembership(deps: MembershipDeps): UsergroupMembership {
  const { policy, directory, cache, log } = deps;
  const { maxAgeMs, refreshMs } = usergroupCacheOf(policy);
  const entries = usergroupEntries(policy);
  const now = () => deps.now().getTime();

  /** Reads group `id` from Slack into the cache; the members, or why they could not be read. */
  async function readGroup(id: string): Promise<string[] | { error: string }> {
    if (!directory) return { error: 'devbot has no Slack bot token here to read user groups' };
    try {
      const members = await directory.members(id);
      await cache.write(id, members, now()).catch((err: unknown) => log.warn({ err, usergroup: id }, 'could not cache Slack user group members'));
      return members;
    } catch (e) {
      log.warn({ err: e, usergroup: id }, 'could not read Slack user group members');
      return { error: why(e) };
    }
  }

  /** handle → id, from the cache while fresh enough, else from usergroups.list. */
  async function handleMap(): Promise<Record<string, string> | { error: string }> {
    const cached = await cache.handles().catch(() => undefined);
    if (cached && now() - cached.readAt <= maxAgeMs) return cached.byHandle;
    if (!directory) return { error: 'devbot has no Slack bot token here to read user groups' };
    try {
      const byHandle = Object.fromEntries((await directory.list()).map((g) => [g.handle, g.id]));
      await cache.writeHandles(byHandle, now()).catch((err: unknown) => log.warn({ err }, 'could not cache Slack user group handles'));
      return byHandle;
    } catch (e) {
      log.warn({ err: e }, 'could not list Slack user groups');
      return { error: why(e) };
    }
  }

  /** Each entry's group id, or why it has none. */
  async function resolve(): Promise<Record<string, { id: string } | { error: string }>> {
    const handles = entries.some((e) => e.startsWith('@')) ? await handleMap() : {};
    return Object.fromEntries(entries.map((entry) => {
      if (!entry.startsWith('@')) return [entry, { id: entry }];
      if ('error' in handles && typeof handles.error === 'string') return [entry, { error: `could not resolve ${entry}: ${handles.error}` }];
      const id = (handles as Record<string, string>)[entry.slice(1)];
      return [entry, id ? { id } : { error: `Slack has no user group with the handle ${entry}; an admin should fix the rule` }];
    }));
  }

  return {
    async standingOf(user) {
      if (entries.length === 0) return NO_USERGROUPS;
      const resolved = await resolve();
      const ids = [...new Set(Object.values(resolved).flatMap((r) => ('id' in r ? [r.id] : [])))];
      const cached = await cache.standing(user, ids).catch((err: unknown) => {
        log.warn({ err }, 'could not read cached Slack user groups; asking Slack');
        return {} as Awaited<ReturnType<UsergroupCache['standing']>>;
      });
      const byId = new Map<string, { member: boolean } | { error: string }>();
      await Promise.all(ids.map(async (id) => {
        const hit = cached[id];
        if (hit && now() - hit.readAt <= maxAgeMs) return void byId.set(id, { member: hit.member });
        const read = await readGroup(id);
        if (Array.isArray(read)) return void byId.set(id, { member: read.includes(user) });
        const age = hit ? `last read ${minutes(now() - hit.readAt)} ago, longer than the ${minutes(maxAgeMs)} devbot trusts a copy` : 'never read';
        byId.set(id, { error: `${read.error}; ${age}` });
      }));
      const memberOf: Record<string, string> = {};
      const unreadable: Record<string, string> = {};
      for (const [entry, r] of Object.entries(resolved)) {
        const standing = 'id' in r ? byId.get(r.id) : r;
        if (standing && 'error' in standing) unreadable[entry] = standing.error;
        else if (standing?.member) memberOf[entry] = entry;
      }
      return { memberOf, unreadable };
    },
    async refresh() {
      const resolved = await resolve();
      const ids = [...new Set(Object.values(resolved).flatMap((r) => ('id' in r ? [r.id] : [])))];
      const times = await cache.readTimes(ids).catch(() => ({} as Record<string, number>));
      // Read lately by another replica (the cache is shared): one Tier 2 call per group per period.
      const due = ids.filter((id) => !(now() - (times[id] ?? 0) < refreshMs / 2));
      for (const id of due) await readGroup(id);
    },
    async membersChanged({ id, added, removed }) {
      await cache.change(id, { added, removed }).catch((err: unknown) => log.warn({ err, usergroup: id }, 'could not apply a Slack user group change'));
      await readGroup(id);
    },
  };
}
