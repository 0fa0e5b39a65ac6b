import type { Deps } from '../deps.js';
import type { AlertState } from '../ports/alert-store.js';
import type { ChatMessage } from '../ports/chat.js';
import type { ConsoleListeners } from '../ports/console-listeners.js';

type PostDeps = Pick<Deps, 'config' | 'chatFor' | 'log'> & { consoleListeners: ConsoleListeners };

/**
 * Posts an alert to its channels: to Slack when a bot token is configured, and to every console
 * session listening to the channel. Returns every message posted, to update them later.
 */
export async function postAlert(channels: string[], message: ChatMessage, deps: PostDeps): Promise<AlertState['messages']> {
  const posted: AlertState['messages'] = [];
  for (const name of channels) {
    if (deps.config.slack.botToken) {
      const id = deps.config.channels[name]?.id ?? name;
      const ref = await deps.chatFor({ kind: 'slack' }).post(id, message);
      posted.push({ transport: { kind: 'slack' }, ref });
    }
    for (const session of await deps.consoleListeners.sessionsFor(name)) {
      const transport = { kind: 'console', session } as const;
      posted.push({ transport, ref: await deps.chatFor(transport).post(name, message) });
    }
  }
  return posted;
}

/** Updates every message of an alert in place; one failing update does not stop the others. */
export async function updateAlert(messages: AlertState['messages'], message: ChatMessage, deps: PostDeps): Promise<void> {
  await Promise.all(
    messages.map(({ transport, ref }) =>
      deps.chatFor(transport).update(ref, message).catch((err: unknown) => deps.log.warn({ err, channel: ref.channel }, 'could not update an alert message')),
    ),
  );
}
