import { describe, expect, it } from 'vitest';
import { FLAGS, GRAMMAR, isDangerous } from '../../../src/commands/grammar.js';
import { parseCommand } from '../../../src/commands/parse.js';
import { VERB_NAMES } from '../../../src/commands/verbs.js';

describe('GRAMMAR', () => {
  it.each(VERB_NAMES)('%s: usage, flags and examples agree with the parser', (verb) => {
    const spec = GRAMMAR[verb];
    expect(spec.verb).toBe(verb);
    expect(spec.usage.startsWith(`/dev ${verb}`)).toBe(true);
    const flagsInUsage = [...spec.usage.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]);
    expect(flagsInUsage).toEqual([...spec.flags]);
    for (const flag of spec.flags) {
      const value = FLAGS[flag];
      expect(spec.usage).toContain('value' in value ? `[--${flag} ${value.value}]` : `[--${flag}]`);
    }
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const example of spec.examples) expect(parseCommand(example).verb).toBe(verb);
  });

  it('routes each verb as this release builds it', () => {
    const handling = Object.fromEntries(VERB_NAMES.map((v) => [v, GRAMMAR[v].handling]));
    expect(handling).toEqual({
      status: 'job',
      help: 'local',
      'can-i': 'local',
      deploy: 'job',
      rollback: 'job',
      deployments: 'job',
      stack: 'job',
      units: 'job',
      failover: 'job',
      jobs: 'local',
      cancel: 'local',
      locks: 'local',
      audit: 'local',
      alerts: 'local',
      silence: 'local',
      remediation: 'local',
      etcd: 'job',
      converge: 'job',
      drift: 'job',
      machines: 'job',
      logs: 'job',
      exec: 'job',
      replace: 'job',
    });
    expect(GRAMMAR.status.jobKind).toBe('status');
  });
});

describe('isDangerous', () => {
  it.each([
    ['status', false],
    ['help', false],
    ['can-i failover postgres', false],
    ['deploy gerrit --env prod', false],
    ['rollback gerrit', false],
    ['stack create', true],
    ['stack update', true],
    ['stack diff', false],
    ['units stop web.service', false],
    ['failover postgres', true],
    ['jobs', false],
    ['cancel 1042', true],
    ['locks', false],
    ['audit', false],
  ])('%j → %s', (text, dangerous) => {
    expect(isDangerous(parseCommand(text))).toBe(dangerous);
  });
});
