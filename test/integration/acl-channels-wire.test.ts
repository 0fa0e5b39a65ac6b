/**
 * Channels in the ACL, at the wire (signed slash commands and clicks into the real receiver):
 * a rule's channel names the configured channel, matched by its id where it has one, never a Slack
 * channel that merely carries its name; an id entry is compared with ids only; and requests through
 * Slack Connect (another workspace, or a channel shared with one) are refused, saying why, unless
 * the channel's config allows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashCommandFields } from '../fakes/slack-signing.js';
import { ALICE, BOB, CAROL, DEV, STAGING, startBot, type Bot } from './jobs-platform-bot.js';

/** Configured with `allowShared: true`: Slack Connect requests are accepted here. */
const SHARED = { id: 'C0SHARED', name: 'partners' } as const;

const CONFIG = `
channels:
  ${SHARED.name}: { id: ${SHARED.id}, environment: dev, allowShared: true }
acl:
  groups: { oncall: [${ALICE}, ${BOB}] }
  rules:
    - { name: oncall-dev, groups: [oncall], verbs: [deploy, failover, jobs, locks, audit], channels: [${DEV.name}, ${SHARED.name}], environments: [dev] }
    - { name: carol-by-id, users: [${CAROL}], verbs: [deploy], channels: [${STAGING.id}], environments: [dev] }
`;

const QUEUED = /^Queued as job deploy-[0-9a-f]{10}\.$/;
const OUTSIDE = 'devbot does not take commands from outside its own Slack workspace';

describe('ACL channels at the wire', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot({ config: CONFIG });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('a rule naming #dev-ops covers the configured channel by its id, not another channel named dev-ops', async () => {
    const impostor = { id: 'C0IMPOSTOR', name: DEV.name };
    const refused = await bot.command(ALICE, 'deploy gerrit --env dev', impostor);
    expect(refused.shown).toBe(
      ':no_entry: `deploy` is not allowed for you in #dev-ops (you may run it in #dev-ops, #partners); this is not the #dev-ops devbot is configured for (configured channels are matched by their id)',
    );
    expect(refused.jobId).toBeUndefined();
    expect((await bot.command(ALICE, 'deploy gerrit', { id: DEV.id, name: 'renamed-since' })).shown).toMatch(QUEUED);
  });

  it('an id in a rule is compared with channel ids only, never with a channel named like it', async () => {
    const lookalike = { id: 'C0LOOKALIKE', name: STAGING.id.toLowerCase() };
    expect((await bot.command(CAROL, 'deploy buildbot --env dev', lookalike)).shown).toMatch(/^:no_entry: `deploy` is not allowed for you in #c0staging \(you may run it in C0STAGING\)$/);
    expect((await bot.command(CAROL, 'deploy buildbot --env dev', STAGING)).shown).toMatch(QUEUED);
  });

  it('refuses a slash command from another workspace, saying why, and audits the refusal', async () => {
    const refused = await bot.command(ALICE, 'deploy gerrit', DEV, { team_id: 'T0OTHER' });
    expect(refused.shown).toBe(
      `:no_entry: ${OUTSIDE}: this request comes from workspace T0OTHER, not T0000001 where devbot runs (Slack Connect). (A channel meant for Slack Connect can allow them: \`channels.dev-ops.allowShared: true\`.)`,
    );
    expect(refused.jobId).toBeUndefined();
    const [entry] = await bot.deps.audit.latest({ user: ALICE, limit: 1 });
    expect(entry).toMatchObject({ event: 'denied', decision: 'denied', transport: 'slack', outcome: expect.stringContaining('workspace T0OTHER') });
  });

  it('refuses a command in a channel Slack marks as shared with another organisation', async () => {
    const shared = { is_ext_shared_channel: 'true' } as Partial<SlashCommandFields>;
    expect((await bot.command(ALICE, 'jobs', DEV, shared)).shown).toBe(
      `:no_entry: ${OUTSIDE}: this channel is shared with another organisation (Slack Connect). (A channel meant for Slack Connect can allow them: \`channels.dev-ops.allowShared: true\`.)`,
    );
  });

  it("refuses a Confirm click by a member of another workspace; the channel's allowShared lets it count", async () => {
    await bot.command(ALICE, 'failover pg-connect', DEV);
    const preview = await bot.waitForPost(DEV, (v) => v.text.startsWith('Confirm /dev failover pg-connect in dev?'));
    expect(await bot.click(BOB, preview, 'Confirm', { userTeam: 'T0OTHER' })).toBe(
      `:no_entry: Only someone allowed to run \`failover\` here may confirm it: ${OUTSIDE}: you are a member of workspace T0OTHER, not T0000001 where devbot runs (Slack Connect). (A channel meant for Slack Connect can allow them: \`channels.dev-ops.allowShared: true\`.)`,
    );
    expect(bot.failover.runs.filter((r) => r.target === 'pg-connect')).toEqual([]);

    await bot.command(ALICE, 'failover pg-partners', SHARED);
    const shared = await bot.waitForPost(SHARED, (v) => v.text.startsWith('Confirm /dev failover pg-partners in dev?'));
    expect(await bot.click(BOB, shared, 'Confirm', { userTeam: 'T0OTHER' })).toMatch(/^Confirmed: running as job failover-[0-9a-f]{10}\.$/);
  });
});

describe('ACL channels: which workspace devbot is in', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot({ config: CONFIG });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('fails closed while Slack has not said which workspace devbot is in, and asks again next time', async () => {
    bot.fake.failNext('auth.test', { error: 'invalid_auth' });
    expect((await bot.command(ALICE, 'jobs', DEV)).shown).toBe(
      `:no_entry: ${OUTSIDE}: devbot could not ask Slack which workspace it belongs to (auth.test failed), so it cannot tell this request comes from it; try again. (A channel meant for Slack Connect can allow them: \`channels.dev-ops.allowShared: true\`.)`,
    );
    expect((await bot.command(ALICE, 'jobs', DEV)).shown).toMatch(/^\*Queued and running jobs\*/);
    const asked = bot.fake.callsTo('auth.test').length;
    await bot.command(ALICE, 'jobs', DEV);
    expect(bot.fake.callsTo('auth.test')).toHaveLength(asked);
  });
});
