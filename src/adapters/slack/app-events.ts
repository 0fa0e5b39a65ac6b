import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../log.js';

/** A Slack user group's members changed (subteam_members_changed). */
export type UsergroupsChanged = (change: { id: string; added: string[]; removed: string[] }) => Promise<void>;
/** Someone opened devbot's Home tab (app_home_opened, tab home). */
export type HomeOpened = (user: string) => Promise<void>;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A listener for one Events API event type. */
export type EventListener = (args: SlackEventMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;

/**
 * The Events API events that are no commands, by event type: user group changes keep the ACL's
 * cache current, and opening the Home tab publishes it. Both are idempotent, so Slack's
 * redeliveries need no claim. Never throws into Bolt: a failure is logged.
 */
export function appEventListeners(opts: { usergroupsChanged?: UsergroupsChanged; homeOpened?: HomeOpened; log: Logger }): Record<string, EventListener> {
  const { log } = opts;
  const { usergroupsChanged, homeOpened } = opts;
  const listeners: Record<string, EventListener> = {};
  if (usergroupsChanged) {
    listeners['subteam_members_changed'] = async ({ event }) => {
      const e = event as unknown as Record<string, unknown>;
      const id = typeof e.subteam_id === 'string' ? e.subteam_id : '';
      if (!id) return void log.warn('subteam_members_changed without a subteam_id; ignored');
      const change = { id, added: strings(e.added_users), removed: strings(e.removed_users) };
      log.info({ usergroup: id, added: change.added.length, removed: change.removed.length }, 'Slack user group changed');
      await usergroupsChanged(change).catch((err: unknown) => log.error({ err, usergroup: id }, 'could not apply a Slack user group change'));
    };
  }
  if (homeOpened) {
    listeners['app_home_opened'] = async ({ event }) => {
      const e = event as unknown as Record<string, unknown>;
      if (e.tab !== undefined && e.tab !== 'home') return; // the Messages tab has nothing to publish
      if (typeof e.user !== 'string') return;
      await homeOpened(e.user).catch((err: unknown) => log.error({ err, user: e.user }, 'could not publish the Home tab'));
    };
  }
  return listeners;
}
