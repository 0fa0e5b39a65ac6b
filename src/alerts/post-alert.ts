import type { Deps } from '../deps.js';
import type { AlertState, AlertStore } from '../ports/alert-store.js';
import type { ChatMessage } from '../ports/chat.js';
import type { ConsoleListeners } from '../ports/console-listeners.js';
import type { Transport } from '../ports/queue.js';
import { refusalCode, type ChannelFailures } from './channel-failures.js';
import { unpostedChannels } from './lifecycle.js';

type PostDeps = Pick<Deps, 'config' | 'chatFor' | 'log'> & { consoleListeners: ConsoleListeners; alertStore: AlertStore };

/**
 * Posts an alert where it has no message yet: to Slack when a bot token is configured, and to every
 * console session listening to the channel. Each message is added to `state.messages` and saved
 * the moment it is posted, so a channel that fails later never costs the others a second message.
 * A channel that refuses (`not_in_channel`) is reported through `failures` and tried again later;
 * any other failure is logged and retried on the next evaluation. Returns how many were posted.
 */
export async function postAlert(state: AlertState, message: ChatMessage, deps: PostDeps, failures: ChannelFailures): Promise<number> {
  const slack = Boolean(deps.config.slack.botToken);
  let posted = 0;
  const remember = async (channel: string, transport: Transport, post: () => Promise<AlertState['messages'][number]['ref']>): Promise<boolean> => {
    try {
      state.messages.push({ transport, ref: await post(), channel });
    } catch (err) {
      const refused = transport.kind === 'slack' ? refusalCode(err) : undefined;
      if (refused) await failures.failed(channel, refused);
      else deps.log.error({ err, alert: state.key, channel }, 'could not post an alert; will retry');
      return false;
    }
    posted++;
    await deps.alertStore.save([state]);
    return true;
  };
  for (const name of unpostedChannels(state, slack ? 'slack' : 'console')) {
    if (slack && failures.shouldTry(name)) {
      const id = deps.config.channels[name]?.id ?? name;
      if (await remember(name, { kind: 'slack' }, () => deps.chatFor({ kind: 'slack' }).post(id, message))) await failures.worked(name);
    }
    for (const session of await deps.consoleListeners.sessionsFor(name)) {
      const transport = { kind: 'console', session } as const;
      const has = state.messages.some((m) => m.channel === name && m.transport.kind === 'console' && m.transport.session === session);
      if (!has) await remember(name, transport, () => deps.chatFor(transport).post(name, message));
    }
  }
  return posted;
}

/** Updates every message of an alert in place; one failing update does not stop the others. */
export async function updateAlert(messages: AlertState['messages'], message: ChatMessage, deps: Pick<Deps, 'chatFor' | 'log'>): Promise<void> {
  await Promise.all(
    messages.map(({ transport, ref }) =>
      deps.chatFor(transport).update(ref, message).catch((err: unknown) => deps.log.warn({ err, channel: ref.channel }, 'could not update an alert message')),
    ),
  );
}
