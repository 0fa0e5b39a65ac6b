import type { AllMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../log.js';

type SlackClient = AllMiddlewareArgs['client'];

/** What a request says about where it comes from. */
export interface RequestOrigin {
  /** The workspace of the request: a slash command's `team_id`, an interaction's `team.id`. */
  team?: string | null;
  /** The acting user's own workspace (an interaction's `user.team_id`): another one's in Slack Connect. */
  userTeam?: string;
  /** `is_ext_shared_channel`, when Slack sends it with the payload. */
  extShared?: unknown;
}

/**
 * Tells requests from devbot's own workspace apart from Slack Connect ones (another workspace, or
 * a channel shared with another organisation). devbot's workspace is its bot token's, as
 * auth.test says; asked once, on the first request, and kept (a failed answer is asked again next
 * time). Returns why a request counts as from outside, or undefined. Fails closed: without
 * auth.test's answer every request counts as from outside.
 */
export function createWorkspaceCheck(log: Logger): (client: SlackClient, origin: RequestOrigin) => Promise<string | undefined> {
  let home: Promise<string> | undefined;
  const homeTeam = (client: SlackClient): Promise<string> => {
    const asked = (home ??= client.auth.test().then((r) => {
      if (!r.team_id) throw new Error('auth.test named no team');
      return r.team_id;
    }));
    asked.catch(() => {
      if (home === asked) home = undefined;
    });
    return asked;
  };
  return async (client, origin) => {
    let team: string;
    try {
      team = await homeTeam(client);
    } catch (err) {
      log.warn({ err }, 'auth.test failed: cannot tell which workspace devbot belongs to');
      return 'devbot could not ask Slack which workspace it belongs to (auth.test failed), so it cannot tell this request comes from it; try again';
    }
    if (origin.userTeam && origin.userTeam !== team) return `you are a member of workspace ${origin.userTeam}, not ${team} where devbot runs (Slack Connect)`;
    if (origin.team && origin.team !== team) return `this request comes from workspace ${origin.team}, not ${team} where devbot runs (Slack Connect)`;
    if (origin.extShared === true || origin.extShared === 'true') return 'this channel is shared with another organisation (Slack Connect)';
    return undefined;
  };
}
