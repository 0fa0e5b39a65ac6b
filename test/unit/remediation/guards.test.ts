import { describe, expect, it } from 'vitest';
import { blockedBy } from '../../../src/remediation/guards.js';

const ok = { environment: 'prod', pauses: {}, hasQuorum: true, startsInLastHour: 0, maxPerHour: 2 };

describe('the guards of auto-remediation', () => {
  it('lets an action through only with quorum, unpaused, under the hourly cap', () => {
    expect(blockedBy(ok)).toBeUndefined();
    expect(blockedBy({ ...ok, hasQuorum: false })?.reason).toBe('etcd in prod has no quorum: devbot does not act by itself until it is back');
    expect(blockedBy({ ...ok, hasQuorum: undefined })?.note).toBe('quorum');
    expect(blockedBy({ ...ok, startsInLastHour: 2 })?.reason).toBe('2 automatic actions already started in prod in the last hour (maxPerHour: 2)');
  });

  it('a pause of the environment or of every environment stops it, and says how to resume', () => {
    const at = '2026-12-01T10:00:00.000Z';
    expect(blockedBy({ ...ok, pauses: { prod: { by: 'U1', at } } })?.reason).toMatch(/paused in prod \(by <@U1> at 10:00:00 UTC; `\/dev remediation resume --env prod`/);
    expect(blockedBy({ ...ok, pauses: { '*': { by: 'U1', at } } })?.reason).toMatch(/paused everywhere .*`\/dev remediation resume --all`/);
    expect(blockedBy({ ...ok, pauses: { staging: { by: 'U1', at } } })).toBeUndefined();
  });
});
