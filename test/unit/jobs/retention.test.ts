import { describe, expect, it } from 'vitest';
import { planRetention } from '../../../src/jobs/etcd/snapshot/retention.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const DEFAULT = { allWithinMs: DAY, hourlyForMs: 7 * DAY, dailyForMs: 90 * DAY };
const NOW = new Date('2025-06-30T12:00:00.000Z');

/** A backup every `everyMs` from `fromMs` ago up to now, named by its age. */
function every(everyMs: number, fromMs: number, now = NOW): Array<{ takenAt: string; name: string }> {
  const out = [];
  for (let age = fromMs; age >= 0; age -= everyMs) out.push({ takenAt: new Date(now.getTime() - age).toISOString(), name: `age-${age / MIN}min` });
  return out;
}
const ageOf = (e: { takenAt: string }, now = NOW) => now.getTime() - new Date(e.takenAt).getTime();

describe('planRetention (the tiers of etcd.backup.retention)', () => {
  it('keeps every backup of the last 24 h, one per hour for 7 days, one per day for 90 days, none older', () => {
    const backups = every(30 * MIN, 100 * DAY); // a backup every 30 min for 100 days
    const { keep, prune } = planRetention(backups, NOW, DEFAULT);
    expect(keep.length + prune.length).toBe(backups.length);
    const recent = keep.filter((e) => ageOf(e) <= DAY);
    const hourly = keep.filter((e) => ageOf(e) > DAY && ageOf(e) <= 7 * DAY);
    const daily = keep.filter((e) => ageOf(e) > 7 * DAY && ageOf(e) <= 90 * DAY);
    expect(recent).toHaveLength(backups.filter((e) => ageOf(e) <= DAY).length); // all 49
    expect(recent).toHaveLength(49);
    expect(hourly).toHaveLength(6 * 24); // one per clock hour
    expect(new Set(hourly.map((e) => e.takenAt.slice(0, 13))).size).toBe(hourly.length);
    expect(daily.length).toBeGreaterThanOrEqual(83);
    expect(daily.length).toBeLessThanOrEqual(84);
    expect(new Set(daily.map((e) => e.takenAt.slice(0, 10))).size).toBe(daily.length);
    expect(keep.some((e) => ageOf(e) > 90 * DAY)).toBe(false);
    expect(keep[0]!.name).toBe('age-0min'); // newest first
  });

  it('a kept backup stays kept as time passes (the oldest of each hour and day is the one kept)', () => {
    const backups = every(30 * MIN, 20 * DAY);
    const first = planRetention(backups, NOW, DEFAULT);
    // Ten hours later, without new backups: nothing kept before is pruned unless it aged out of its tier.
    const later = new Date(NOW.getTime() + 10 * HOUR);
    const second = planRetention(first.keep, later, DEFAULT);
    const prunedLater = second.prune.map((e) => ageOf(e, later));
    // Only those that just crossed from "all" into "hourly" (the :30 of each hour) or hourly into daily go.
    expect(prunedLater.every((age) => (age > DAY && age <= DAY + 10 * HOUR) || (age > 7 * DAY && age <= 7 * DAY + 10 * HOUR))).toBe(true);
    // A third pass at the same time prunes nothing more: the plan is stable.
    expect(planRetention(second.keep, later, DEFAULT).prune).toEqual([]);
  });

  it('never prunes the newest backup, however old', () => {
    const old = [{ takenAt: new Date(NOW.getTime() - 200 * DAY).toISOString(), name: 'ancient' }, { takenAt: new Date(NOW.getTime() - 100 * DAY).toISOString(), name: 'old' }];
    const { keep, prune } = planRetention(old, NOW, DEFAULT);
    expect(keep.map((e) => e.name)).toEqual(['old']);
    expect(prune.map((e) => e.name)).toEqual(['ancient']);
  });

  it('takes tiers from the config: keep 1 h of everything, hourly for 6 h, daily for 2 days', () => {
    const policy = { allWithinMs: HOUR, hourlyForMs: 6 * HOUR, dailyForMs: 2 * DAY };
    const backups = every(15 * MIN, 3 * DAY);
    const { keep } = planRetention(backups, NOW, policy);
    expect(keep.filter((e) => ageOf(e) <= HOUR)).toHaveLength(5);
    expect(keep.filter((e) => ageOf(e) > HOUR && ageOf(e) <= 6 * HOUR)).toHaveLength(5);
    expect(keep.filter((e) => ageOf(e) > 6 * HOUR).every((e) => ageOf(e) <= 2 * DAY)).toBe(true);
    // Past 6 h and within 2 days (2025-06-28 12:00, exactly 2 days, to 06-30 06:00): the first of each UTC day.
    expect(keep.filter((e) => ageOf(e) > 6 * HOUR).map((e) => e.takenAt)).toEqual(['2025-06-30T00:00:00.000Z', '2025-06-29T00:00:00.000Z', '2025-06-28T12:00:00.000Z']);
  });

  it('a backup from the future (a clock off) is kept', () => {
    const future = [{ takenAt: new Date(NOW.getTime() + HOUR).toISOString(), name: 'future' }, { takenAt: NOW.toISOString(), name: 'now' }];
    expect(planRetention(future, NOW, DEFAULT).prune).toEqual([]);
  });
});
