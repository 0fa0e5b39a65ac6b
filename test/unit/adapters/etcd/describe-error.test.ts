import { describe, expect, it } from 'vitest';
import { describeError } from '../../../../src/adapters/etcd/probe-member.js';

describe('describeError: what /dev status says about a failed etcd call', () => {
  it.each([
    ['14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:2379', 'cannot connect (ECONNREFUSED)'],
    ['14 UNAVAILABLE: Connection dropped', 'connection dropped'],
    ['read ECONNRESET', 'connection dropped'],
  ])('%s → %s', (message, said) => {
    expect(describeError(new Error(message), 500)).toBe(said);
  });
});
