import { describe, expect, it } from 'vitest';
import { HOME_MAX_BLOCKS, renderAppHome, type HomeView } from '../../../src/render/app-home.js';

const AT = new Date('2026-12-01T12:00:00Z');
const textOf = (blocks: Array<Record<string, unknown>>): string =>
  blocks.map((b) => {
    const t = b['text'] as { text?: string } | undefined;
    const els = (b['elements'] as Array<{ text?: string }> | undefined) ?? [];
    return t?.text ?? els.map((e) => e.text).join(' ');
  }).join('\n');

const view: HomeView = {
  at: AT,
  environments: [
    { name: 'prod', etcd: { hasQuorum: true, reachable: 3, members: 3 }, firing: 0, databases: [{ name: 'postgres', leader: 'pg-1' }] },
    { name: 'staging', etcd: { hasQuorum: false, reachable: 1, members: 3 }, firing: 2, databases: [{ name: 'postgres', error: 'no answer within 1 s' }] },
    { name: 'dev', etcd: { error: 'connect ECONNREFUSED' }, firing: 1, databases: [] },
  ],
  running: [{ id: 'deploy-0123456789', text: 'deploy api', state: 'active', environment: 'prod', at: AT.getTime() - 120_000 }],
  recent: [{ id: 'failover-aaaaaaaaaa', text: 'failover postgres', state: 'failed', environment: 'staging', at: AT.getTime() - 3_600_000, failedReason: 'no healthy replica' }],
  permissions: [{ where: '#ops', environment: 'prod', verbs: ['status', 'deploy'] }],
  unreadableGroups: [],
};

describe('renderAppHome', () => {
  it('shows each environment in one line: quorum, firing alerts, databases led', () => {
    const lines = textOf(renderAppHome(view).blocks as Array<Record<string, unknown>>).split('\n');
    expect(lines).toContain(':large_green_circle: *prod* — etcd has quorum (3/3 members) · no alerts firing · postgres: led by pg-1');
    expect(lines).toContain(':red_circle: *staging* — etcd *has no quorum* (1/3 members) · *2 alerts firing* · postgres: unknown');
    expect(lines).toContain(':red_circle: *dev* — etcd did not answer (connect ECONNREFUSED) · *1 alert firing* · no databases');
  });

  it("lists the user's running and recent jobs, and what they may run where", () => {
    const text = textOf(renderAppHome(view).blocks as Array<Record<string, unknown>>);
    expect(text).toContain(':arrows_counterclockwise: `deploy api` in prod · active · 2 min ago · `deploy-0123456789`');
    expect(text).toContain(':x: `failover postgres` in staging · failed · 60 min ago · `failover-aaaaaaaaaa` — no healthy replica');
    expect(text).toContain('*#ops* (prod): `status`, `deploy`');
  });

  it('says what to do when there is nothing to show, and warns of a user group it could not read', () => {
    const empty = renderAppHome({ ...view, running: [], recent: [], permissions: [], unreadableGroups: [{ group: '@sre-oncall', why: 'ratelimited' }] });
    const text = textOf(empty.blocks as Array<Record<string, unknown>>);
    expect(text).toContain('You have no jobs lately. Run `/dev help` to see what you can do.');
    expect(text).toContain('No access rule lets you run anything yet: ask an admin to add one under `acl.rules`.');
    expect(text).toContain(':warning: devbot could not read the Slack user group @sre-oncall (ratelimited): what it would allow is not listed, and is denied until it can be read.');
  });

  it('stays within 100 blocks and 3,000 characters a section however much there is', () => {
    const many: HomeView = {
      ...view,
      environments: Array.from({ length: 150 }, (_, i) => ({ name: `env-${i}`, etcd: { hasQuorum: true, reachable: 3, members: 3 }, firing: 0, databases: [] })),
      recent: Array.from({ length: 400 }, (_, i) => ({ id: `status-${i}`, text: `status ${'x'.repeat(300)}`, state: 'completed' as const, environment: 'prod', at: AT.getTime() })),
    };
    const { blocks } = renderAppHome(many);
    expect(blocks.length).toBe(HOME_MAX_BLOCKS);
    expect(textOf([blocks.at(-1)!] as Array<Record<string, unknown>>)).toMatch(/^… \d+ more blocks not shown$/);
    for (const b of blocks) expect(((b['text'] as { text?: string } | undefined)?.text ?? '').length).toBeLessThanOrEqual(3000);
  });
});
