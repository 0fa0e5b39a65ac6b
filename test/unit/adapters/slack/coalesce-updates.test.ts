import { describe, expect, it } from 'vitest';
import { createUpdateCoalescer } from '../../../../src/adapters/slack/coalesce-updates.js';

/** A budget whose turns are handed out by the test, in the order it chooses. */
function heldTurns() {
  const turns: Array<() => void> = [];
  const schedule = (run: () => Promise<void>) => new Promise<void>((resolve, reject) => turns.push(() => void run().then(resolve, reject)));
  return { schedule, turns, settle: () => new Promise((resolve) => setImmediate(resolve)) };
}

describe('createUpdateCoalescer: updates superseded (for devbot_slack_updates_superseded_total)', () => {
  it('counts the waiting updates the newest one went for', async () => {
    const superseded: number[] = [];
    const sent: string[] = [];
    const c = createUpdateCoalescer<string>((n) => superseded.push(n));
    const { schedule, turns } = heldTurns();
    const send = async (m: string) => void sent.push(m);
    const all = Promise.all(['1', '2', '3', '4'].map((m) => c.update('k', m, false, schedule, send)));
    expect(turns).toHaveLength(1);
    turns[0]!();
    await all;
    expect(sent).toEqual(['4']);
    expect(superseded).toEqual([3]);
  });

  it('a final state that overtakes a waiting update counts it once, and the later turn sends and counts nothing', async () => {
    const superseded: number[] = [];
    const sent: string[] = [];
    const c = createUpdateCoalescer<string>((n) => superseded.push(n));
    const { schedule, turns, settle } = heldTurns();
    const send = async (m: string) => void sent.push(m);
    const progress = c.update('k', 'progress', false, schedule, send);
    const final = c.update('k', 'final', true, schedule, send);
    expect(turns).toHaveLength(2);
    turns[1]!();
    await final;
    turns[0]!();
    await progress;
    await settle();
    expect(sent).toEqual(['final']);
    expect(superseded).toEqual([1]);
  });

  it('an update whose send failed is not counted as superseded', async () => {
    const superseded: number[] = [];
    const c = createUpdateCoalescer<string>((n) => superseded.push(n));
    const { schedule, turns } = heldTurns();
    const first = c.update('k', '1', false, schedule, async () => Promise.reject(new Error('ratelimited')));
    turns[0]!();
    await expect(first).rejects.toThrow('ratelimited');
    const second = c.update('k', '2', false, schedule, async () => undefined);
    turns[1]!();
    await second;
    expect(superseded).toEqual([]);
  });
});
