/**
 * A response_url takes 5 answers within 30 minutes (Slack's rule, enforced by the strict fake).
 * Past that, devbot answers the person with the bot token (chat.postEphemeral) instead of silence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../src/adapters/slack/slack-app.js';
import { silentLogger } from '../../src/log.js';
import { ACTION_IDS } from '../../src/render/confirm.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';
import { blockActionsPayload, postInteraction } from '../fakes/slack-signing.js';

const SECRET = 'response-url-test-secret';

describe('response_url used up', () => {
  let fake: FakeSlackApi;
  let slack: SlackApp;
  let clicks = 0;

  beforeAll(async () => {
    fake = await startFakeSlackApi({ strict: true });
    slack = await createSlackApp({
      config: { slack: { port: 0, botToken: 'xoxb-response-url-test', signingSecret: SECRET, apiUrl: fake.url } },
      log: silentLogger(),
      handleCommand: async () => ({ text: 'unused', outcome: 'answered' }),
      handleAction: async () => ({ text: `answer ${++clicks}`, outcome: 'answered' }),
    });
    await slack.start();
  });
  afterAll(async () => {
    await slack?.stop();
    await fake?.close();
  });

  it('the 6th answer on one response_url goes to the clicker as chat.postEphemeral', async () => {
    const url = `http://127.0.0.1:${slack.port()}/slack/events`;
    const click = { userId: 'U0ALICE', channelId: 'C0OPS', channelName: 'ops', actionId: ACTION_IDS.status, value: 'prod', responseUrl: fake.responseUrl('one-message') };
    for (let i = 1; i <= 6; i++) {
      expect((await postInteraction(url, SECRET, blockActionsPayload(click))).status).toBe(200);
      if (i <= 5) await fake.waitForCall('response_url', (c) => c.params['text'] === `answer ${i}`);
    }
    const ephemeral = await fake.waitForCall('chat.postEphemeral', (c) => c.params['text'] === 'answer 6');
    expect(ephemeral.params).toMatchObject({ channel: 'C0OPS', user: 'U0ALICE' });
    expect(ephemeral.authorized).toBe(true);
    expect(fake.callsTo('response_url').map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 404]);
  });
});
