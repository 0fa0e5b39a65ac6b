/**
 * The Slack adapters for user groups and the Home tab against the Web API fake, at the wire: what
 * Slack answers (and refuses) reaches devbot as the ports promise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChat } from '../../src/adapters/slack/slack-chat.js';
import { createSlackUsergroupDirectory } from '../../src/adapters/slack/slack-usergroups.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { UpstreamError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { renderAppHome } from '../../src/render/app-home.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack-api.js';

describe('Slack user groups and Home tabs through the adapters', () => {
  let fake: FakeSlackApi;
  const log = silentLogger();

  beforeAll(async () => {
    fake = await startFakeSlackApi({ strict: true });
    fake.usergroups.define({ id: 'S0SRE', handle: 'sre-oncall', users: ['U0ANN', 'U0BEN'] });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('lists groups and reads members; a 429 fails at once, saying so, instead of waiting out Retry-After', async () => {
    const directory = createSlackUsergroupDirectory({ token: 'xoxb-t', apiUrl: fake.url, log });
    expect(await directory.list()).toEqual([{ id: 'S0SRE', handle: 'sre-oncall' }]);
    expect(await directory.members('S0SRE')).toEqual(['U0ANN', 'U0BEN']);
    await expect(directory.members('S0NONE')).rejects.toThrow(/no_such_subteam/);
    fake.usergroups.fail({ status: 429, retryAfter: 30 });
    const started = Date.now();
    const failed = await directory.members('S0SRE').catch((e: unknown) => e);
    fake.usergroups.restore();
    expect(failed).toBeInstanceOf(UpstreamError);
    expect((failed as UpstreamError).message).toBe('while reading the members of Slack user group S0SRE (usergroups.users.list): ratelimited');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('publishes a Home tab the fake accepts; the fake refuses views that are not a home or hold over 100 blocks', async () => {
    const chat = createSlackChat({ client: createWebClient({ token: 'xoxb-t', apiUrl: fake.url, log }), log });
    const home = renderAppHome({ at: new Date(), environments: [], running: [], recent: [], permissions: [], unreadableGroups: [] });
    await chat.publishHome!('U0ANN', home);
    expect(fake.views.homeOf('U0ANN')?.blocks).toEqual(home.blocks);

    const client = createWebClient({ token: 'xoxb-t', apiUrl: fake.url, log, retries: 0 });
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'x' } };
    await expect(client.views.publish({ user_id: 'U0ANN', view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [section] } as never })).rejects.toThrow(/invalid_arguments/);
    await expect(client.views.publish({ user_id: 'U0ANN', view: { type: 'home', blocks: Array(101).fill(section) } })).rejects.toThrow(/invalid_arguments/);
    const refused = fake.callsTo('views.publish').filter((c) => c.error === 'invalid_arguments');
    expect(refused).toHaveLength(2);
    await expect(chat.publishHome!('U0ANN', { blocks: Array(100).fill(section) })).resolves.toBeUndefined();
  });
});
