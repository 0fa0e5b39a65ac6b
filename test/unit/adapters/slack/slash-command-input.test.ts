import type { SlashCommand } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { toCommandInput } from '../../../../src/adapters/slack/slash-command.js';

const command = (over: Partial<SlashCommand> = {}): SlashCommand => ({
  token: 't', team_id: 'T1', team_domain: 'd', channel_id: 'C1', channel_name: 'ops', user_id: 'U1', user_name: 'alice',
  command: '/dev', text: 'deploy gerrit', api_app_id: 'A1', response_url: 'https://hooks.slack.com/x', trigger_id: '', ...over,
}) as SlashCommand;

describe('toCommandInput', () => {
  it('keys the request on Slack\'s trigger_id, which Slack repeats on its retries', () => {
    expect(toCommandInput(command({ trigger_id: '123.456.abc' })).requestId).toBe('123.456.abc');
  });

  it('without a trigger_id, the same command by the same person in the same channel is the same request (a retry queues no second job)', () => {
    const first = toCommandInput(command()).requestId;
    expect(toCommandInput(command()).requestId).toBe(first);
    expect(toCommandInput(command({ text: 'deploy buildbot' })).requestId).not.toBe(first);
    expect(toCommandInput(command({ user_id: 'U2' })).requestId).not.toBe(first);
  });
});
