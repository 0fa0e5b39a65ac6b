/** Slack user groups (subteams) as the ACL needs them: who is in which group, read from Slack and cached. */

export interface UsergroupInfo {
  /** Slack's id, S… */
  id: string;
  /** The handle people mention, without '@' (`sre-oncall`). */
  handle: string;
}

export interface UsergroupDirectory {
  /** usergroups.list: the workspace's user groups. Fails with UpstreamError('slack') (ratelimited, missing_scope…). */
  list(): Promise<UsergroupInfo[]>;
  /** usergroups.users.list: the user ids in group `id`. Fails with UpstreamError('slack'), at once on a 429 (no waiting). */
  members(id: string): Promise<string[]>;
}

/** Whether one user is in one cached group, and when that group's members were read from Slack. */
export interface CachedStanding {
  member: boolean;
  /** Epoch ms of the read from Slack this answer rests on. */
  readAt: number;
}

/** Member lists shared by every replica, so one replica's read (or event) serves them all. */
export interface UsergroupCache {
  /** The user's standing in each group that was ever read (absent ids were not). Fails with UpstreamError('redis'). */
  standing(user: string, ids: string[]): Promise<Record<string, CachedStanding>>;
  /** When each group was last read from Slack (absent: never). Fails with UpstreamError('redis'). */
  readTimes(ids: string[]): Promise<Record<string, number>>;
  /** Replaces group `id`'s members with a fresh read. Fails with UpstreamError('redis'). */
  write(id: string, members: string[], readAt: number): Promise<void>;
  /** Applies a subteam_members_changed diff to a cached group (its read time is kept). Fails with UpstreamError('redis'). */
  change(id: string, diff: { added: string[]; removed: string[] }): Promise<void>;
  /** The handle → id map as last read, and when. Fails with UpstreamError('redis'). */
  handles(): Promise<{ byHandle: Record<string, string>; readAt: number } | undefined>;
  writeHandles(byHandle: Record<string, string>, readAt: number): Promise<void>;
}
