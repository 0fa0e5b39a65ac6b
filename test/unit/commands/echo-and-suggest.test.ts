import { describe, expect, it } from 'vitest';
import { echoUserText } from '../../../src/commands/echo.js';
import { suggestNearest } from '../../../src/commands/suggest.js';
import { VERB_NAMES } from '../../../src/commands/verbs.js';

describe('echoUserText', () => {
  it.each([
    ['gerrit', 'gerrit'],
    ['a`b', "a'b"],
    ['<!here> <@U1|x>', '‹!here› ‹@U1|x›'],
    ['a\u0000b\u001bc', 'a\ufffdb\ufffdc'],
    ['a\u202eb\u200bc', 'a\ufffdb\ufffdc'],
    ['a \t\n b', 'a b'],
    ['x'.repeat(60), 'x'.repeat(60)],
    ['x'.repeat(61), `${'x'.repeat(59)}…`],
    ['😀'.repeat(61), `${'😀'.repeat(59)}…`],
  ])('%j → %j', (input, expected) => {
    expect(echoUserText(input)).toBe(expected);
  });
});

describe('suggestNearest', () => {
  it.each([
    ['deplyo', 'deploy'],
    ['deploi', 'deploy'],
    ['stauts', 'status'],
    ['stat', 'status'],
    ['ro', 'rollback'],
    ['lock', 'locks'],
    ['canci', 'can-i'],
    ['job', 'jobs'],
    ['x', undefined],
    ['frobnicate', undefined],
    ['DEPLYO', 'deploy'],
    ['d'.repeat(500), undefined],
  ])('%j → %j', (word, expected) => {
    expect(suggestNearest(word, VERB_NAMES)).toBe(expected);
  });
});
