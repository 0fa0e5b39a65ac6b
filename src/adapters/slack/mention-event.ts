/** A message addressed to devbot: an `@devbot …` mention in a channel, or a direct message. */
export interface Mention {
  /** The command: the text after the leading `<@BOTID>` (if any). */
  text: string;
  user: string;
  channel: string;
  ts: string;
  /** Set when the message is a reply in a thread (the thread's parent ts). */
  threadTs?: string;
  directMessage: boolean;
  eventId: string;
  clientMsgId?: string;
  team?: string;
  userTeam?: string;
}

export type ReadMention = { mention: Mention } | { ignored: string };

const field = (o: Record<string, unknown>, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);

/**
 * Reads an `app_mention` or `message` event. Ignored (never a command): messages from bots,
 * devbot itself included (`bot_id`, any subtype: bot_message, message_changed, …), channel
 * messages that are no mention (devbot only answers `message` events in DMs), and events
 * without a user.
 */
export function readMention(event: Record<string, unknown>, body: Record<string, unknown>, botUserId: string | undefined): ReadMention {
  const type = field(event, 'type');
  if (field(event, 'bot_id') !== undefined) return { ignored: 'from a bot' };
  if (field(event, 'subtype') !== undefined) return { ignored: `subtype ${field(event, 'subtype')}` };
  const user = field(event, 'user');
  const channel = field(event, 'channel');
  const ts = field(event, 'ts');
  const eventId = field(body, 'event_id');
  if (!user || !channel || !ts || !eventId) return { ignored: 'no user, channel, ts or event_id' };
  if (botUserId !== undefined && user === botUserId) return { ignored: 'devbot itself' };
  const directMessage = field(event, 'channel_type') === 'im' || (type === 'app_mention' && channel.startsWith('D'));
  if (type === 'message' && !directMessage) return { ignored: 'a channel message, not a mention' };
  return {
    mention: {
      text: stripMention(field(event, 'text') ?? '', botUserId),
      user,
      channel,
      ts,
      threadTs: field(event, 'thread_ts'),
      directMessage,
      eventId,
      clientMsgId: field(event, 'client_msg_id'),
      team: field(body, 'team_id') ?? field(event, 'team'),
      userTeam: field(event, 'user_team'),
    },
  };
}

/** `<@U0DEVBOT> deploy api` → `deploy api`; `<@U0DEVBOT|devbot>` too. Other mentions stay. */
export function stripMention(text: string, botUserId: string | undefined): string {
  const id = botUserId ?? 'U[A-Z0-9]+';
  return text.replace(new RegExp(`^\\s*<@${id}(?:\\|[^>]*)?>[\\s:,]*`), '').trim();
}
