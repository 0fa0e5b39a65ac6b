import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ActionInput } from '../../commands/handle-action.js';
import type { CommandReply } from '../../commands/types.js';
import type { Logger } from '../../log.js';
import { ACTION_IDS } from '../../render/confirm.js';
import { escapeKeepingMentions } from '../../render/limits.js';

export type HandleAction = (input: ActionInput) => Promise<CommandReply>;

const ACTION_OF: Record<string, ActionInput['action']> = {
  [ACTION_IDS.confirm]: 'confirm',
  [ACTION_IDS.decline]: 'decline',
  [ACTION_IDS.retry]: 'retry',
};

/** Matches devbot's buttons (Confirm, Cancel, Retry). */
export const BUTTON_ACTION_IDS = new RegExp(`^(${Object.keys(ACTION_OF).join('|')})$`);

/** Slack's own references in a reply: user and channel mentions devbot writes on purpose. */
/**
 * A click on one of devbot's buttons, arriving as a signed interaction payload: acked at once,
 * handed to handleAction, and its answer shown only to the clicker (the shared message itself is
 * updated by handleAction through the Chat port).
 */
export function createButtonListener(opts: { handleAction: HandleAction; log: Logger }) {
  return async ({ ack, body, action, respond }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const kind = ACTION_OF[action.action_id];
    if (!kind || action.type !== 'button') return;
    const reply = await opts.handleAction({
      action: kind,
      value: action.value ?? '',
      user: body.user.id,
      channel: body.channel?.id ?? '',
      channelName: body.channel?.name ?? body.channel?.id ?? '',
      transport: { kind: 'slack' },
      requestId: body.trigger_id ?? `${body.user.id}-${action.action_ts}`,
    });
    await respond({ response_type: 'ephemeral', replace_original: false, text: escapeKeepingMentions(reply.text) }).catch((err: unknown) =>
      opts.log.warn({ err }, 'could not answer the button click through response_url'),
    );
  };
}
