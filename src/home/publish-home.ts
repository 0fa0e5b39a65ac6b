import type { Deps } from '../deps.js';
import { principalFor } from '../commands/principal.js';
import { renderAppHome } from '../render/app-home.js';
import { gatherShared, homeFor, type HomeDeps, type SharedHome } from './gather-home.js';

export type PublishHomeDeps = HomeDeps & Pick<Deps, 'chatFor' | 'usergroups' | 'log' | 'homeViewers'>;

/**
 * Publishes `user`'s Home tab through the Slack chat (its rate budget, its coalescing). With
 * `opened`, the user is noted as a viewer, so alert changes refresh their tab later.
 * Fails with UpstreamError (Slack or Redis).
 */
export async function publishHome(user: string, deps: PublishHomeDeps, opts: { opened?: boolean; shared?: SharedHome } = {}): Promise<void> {
  const chat = deps.chatFor({ kind: 'slack' });
  if (!chat.publishHome) return;
  if (opts.opened) await deps.homeViewers?.opened(user, deps.now()).catch((err: unknown) => deps.log.warn({ err }, 'could not note a Home tab viewer'));
  const [principal, shared] = await Promise.all([principalFor(user, deps), opts.shared ?? gatherShared(deps)]);
  await chat.publishHome(user, renderAppHome(homeFor(principal, shared, deps)));
}

/** Tabs opened within a day are kept current; older ones refresh when next opened. */
const VIEWED_WITHIN_MS = 86_400_000;
/** A cap on one refresh: each tab is a views.publish (Tier 4); the rest refresh when opened. */
const MAX_REFRESHED = 50;

/**
 * After an alert fires or resolves: republishes the Home tab of everyone who looked at theirs
 * lately, each within the rate budget. Never throws: a tab that fails is logged.
 */
export async function refreshHomes(deps: PublishHomeDeps): Promise<number> {
  if (!deps.homeViewers || !deps.config.slack.botToken) return 0;
  const users = await deps.homeViewers.since(new Date(deps.now().getTime() - VIEWED_WITHIN_MS), MAX_REFRESHED).catch((err: unknown) => {
    deps.log.warn({ err }, 'could not list Home tab viewers');
    return [] as string[];
  });
  if (users.length === 0) return 0;
  // Probed once for all: each tab differs only in its jobs and permissions.
  let shared: SharedHome;
  try {
    shared = await gatherShared(deps);
  } catch (err) {
    deps.log.warn({ err }, 'could not read what the Home tabs show');
    return 0;
  }
  const results = await Promise.allSettled(users.map((u) => publishHome(u, deps, { shared })));
  for (const r of results) if (r.status === 'rejected') deps.log.warn({ err: r.reason }, 'could not refresh a Home tab');
  return results.filter((r) => r.status === 'fulfilled').length;
}
