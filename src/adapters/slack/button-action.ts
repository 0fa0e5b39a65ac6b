import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionInput } from '../../commands/handle-action.js';
import type { CommandReply } from '../../commands/types.js';
import type { Logger } from '../../log.js';
import { ACTION_IDS } from '../../render/confirm.js';
import { escapeToFit } from '../../render/limits.js';
import { respondOrEphemeral } from './respond-or-ephemeral.js';
import { createWorkspaceCheck } from './workspace-check.js';

export type HandleAction = (input: ActionInput) => Promise<CommandReply>;

const ACTION_OF: Record<string, ActionInput['action']> = {
  [ACTION_IDS.confirm]: 'confirm',
  [ACTION_IDS.decline]: 'decline',
  [ACTION_IDS.retry]: 'retry',
  [ACTION_IDS.command]: 'command',
  // The alert's Status button runs `/dev status --env <env>`: a command button with an id of its own
  // (action ids must differ within one message's buttons).
  [ACTION_IDS.status]: 'command',
  // An alert's Silence 1h (`silence <key> 1h`), and the Cancel of an announced automatic action.
  [ACTION_IDS.silence]: 'command',
  [ACTION_IDS.cancelRemediation]: 'cancel-remediation',
  // A failed deploy's Rollback button (render/progress.ts offers): `rollback <service> --env E`.
  [ACTION_IDS.rollback]: 'command',
};

/** Matches devbot's buttons (Confirm, Cancel, Retry, and those that run a command, like an alert's Recovery plan). */
export const BUTTON_ACTION_IDS = new RegExp(`^(${Object.keys(ACTION_OF).join('|')})$`);

/**
 * A click on one of devbot's buttons, arriving as a signed interaction payload: acked at once,
 * handed to handleAction, and its answer shown only to the clicker (the shared message itself is
 * updated by handleAction through the Chat port). A click by a member of another workspace (Slack
 * Connect) is marked `external` for the ACL.
 */
export function createButtonListener(opts: { handleAction: HandleAction; log: Logger }) {
  const fromOutside = createWorkspaceCheck(opts.log);
  return async ({ ack, body, action, respond, client }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const kind = ACTION_OF[action.action_id];
    if (!kind || action.type !== 'button') return;
    const extShared = (body as { is_ext_shared_channel?: unknown }).is_ext_shared_channel;
    const external = await fromOutside(client, { team: body.team?.id, userTeam: body.user.team_id, extShared });
    const reply = await opts.handleAction({
      action: kind,
      value: action.value ?? '',
      user: body.user.id,
      channel: body.channel?.id ?? '',
      channelName: body.channel?.name ?? body.channel?.id ?? '',
      transport: { kind: 'slack' },
      external,
      requestId: body.trigger_id ?? `${body.user.id}-${action.action_ts}`,
      ...(body.container?.message_ts ?? body.message?.ts ? { messageTs: String(body.container?.message_ts ?? body.message?.ts) } : {}),
    });
    const answer = { response_type: 'ephemeral' as const, replace_original: false, text: escapeToFit(reply.text) };
    await respondOrEphemeral(respond, client, { channel: body.channel?.id ?? '', user: body.user.id }, answer, opts.log).catch((err: unknown) =>
      opts.log.warn({ err }, 'could not answer the button click through response_url'),
    );
  };
}
