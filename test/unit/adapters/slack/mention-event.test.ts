import { describe, expect, it } from 'vitest';
import { readMention, stripMention } from '../../../../src/adapters/slack/mention-event.js';

const BODY = { event_id: 'Ev1', team_id: 'T1' };

describe('readMention', () => {
  it('reads an app_mention, its thread and the command after the mention', () => {
    const event = { type: 'app_mention', user: 'U1', channel: 'C1', ts: '2.0', thread_ts: '1.0', text: '<@U0BOT> silence 2h', client_msg_id: 'm1' };
    expect(readMention(event, BODY, 'U0BOT')).toEqual({
      mention: { text: 'silence 2h', user: 'U1', channel: 'C1', ts: '2.0', threadTs: '1.0', directMessage: false, eventId: 'Ev1', clientMsgId: 'm1', team: 'T1', userTeam: undefined },
    });
  });

  it('reads a DM (message, channel_type im), mention or not', () => {
    const read = readMention({ type: 'message', channel_type: 'im', user: 'U1', channel: 'D1', ts: '2.0', text: 'status --env dev' }, BODY, 'U0BOT');
    expect(read).toMatchObject({ mention: { text: 'status --env dev', directMessage: true } });
  });

  it.each([
    ['a bot message', { type: 'message', channel_type: 'im', subtype: 'bot_message', bot_id: 'B1', channel: 'D1', ts: '1', text: 'x' }],
    ['devbot itself', { type: 'message', channel_type: 'im', user: 'U0BOT', channel: 'D1', ts: '1', text: 'x' }],
    ['an edit', { type: 'message', channel_type: 'im', subtype: 'message_changed', channel: 'D1', ts: '1' }],
    ['a channel message', { type: 'message', channel_type: 'channel', user: 'U1', channel: 'C1', ts: '1', text: 'status' }],
  ])('ignores %s', (_label, event) => {
    expect(readMention(event, BODY, 'U0BOT')).toHaveProperty('ignored');
  });
});

describe('stripMention', () => {
  it('drops only the leading mention of devbot', () => {
    expect(stripMention('<@U0BOT|devbot>: deploy api', 'U0BOT')).toBe('deploy api');
    expect(stripMention('<@U0BOT> audit --user <@U2>', 'U0BOT')).toBe('audit --user <@U2>');
    expect(stripMention('<@U2> hello', 'U0BOT')).toBe('<@U2> hello');
  });
});
