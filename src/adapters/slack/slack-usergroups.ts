import { webApi } from '@slack/bolt';
import type { Logger } from '../../log.js';
import type { UsergroupDirectory } from '../../ports/usergroups.js';
import { toSlackUpstreamError } from './slack-errors.js';
import { slackClientOptions, type WebClient } from './web-client.js';

/** The directory on a client of its own that fails fast: a 429 is an answer (the cache serves), not a wait. */
export function createSlackUsergroupDirectory(opts: { token: string; apiUrl?: string; log: Logger }): UsergroupDirectory {
  const client = new webApi.WebClient(opts.token, { ...slackClientOptions({ apiUrl: opts.apiUrl, log: opts.log, retries: 0, timeoutMs: 2_000 }), rejectRateLimitedCalls: true });
  return createSlackUsergroups(client);
}

/**
 * Slack user groups over the Web API (scope usergroups:read). The client should reject 429s at
 * once (`rejectRateLimitedCalls`): both methods are Tier 2, and a command waiting out a
 * Retry-After would miss Slack's 3 s ack; the cached copy answers meanwhile.
 */
export function createSlackUsergroups(client: WebClient): UsergroupDirectory {
  return {
    async list() {
      try {
        const res = await client.usergroups.list({ include_disabled: false });
        return (res.usergroups ?? []).flatMap((g) => (g.id && g.handle ? [{ id: g.id, handle: g.handle }] : []));
      } catch (e) {
        throw toSlackUpstreamError('while listing Slack user groups (usergroups.list)', e);
      }
    },
    async members(id) {
      try {
        const res = await client.usergroups.users.list({ usergroup: id });
        return res.users ?? [];
      } catch (e) {
        throw toSlackUpstreamError(`while reading the members of Slack user group ${id} (usergroups.users.list)`, e);
      }
    },
  };
}
