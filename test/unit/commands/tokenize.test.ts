import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/commands/tokenize.js';
import { UsageError } from '../../../src/errors.js';

describe('tokenize', () => {
  const cases: Array<[string, Array<{ value: string; quoted: boolean; start: number }>]> = [
    ['', []],
    ['  a  b ', [{ value: 'a', quoted: false, start: 2 }, { value: 'b', quoted: false, start: 5 }]],
    ['a\tb\nc', [{ value: 'a', quoted: false, start: 0 }, { value: 'b', quoted: false, start: 2 }, { value: 'c', quoted: false, start: 4 }]],
    ['"a b" c', [{ value: 'a b', quoted: true, start: 0 }, { value: 'c', quoted: false, start: 6 }]],
    ["'a \"b\"'", [{ value: 'a "b"', quoted: true, start: 0 }]],
    ['x"y z"w', [{ value: 'xy zw', quoted: true, start: 0 }]],
    ['""', [{ value: '', quoted: true, start: 0 }]],
    ['“a b”', [{ value: 'a b', quoted: true, start: 0 }]],
    ['”a b”', [{ value: 'a b', quoted: true, start: 0 }]],
    ['„a b“', [{ value: 'a b', quoted: true, start: 0 }]],
    ['‘a b’', [{ value: 'a b', quoted: true, start: 0 }]],
    ['—env', [{ value: '--env', quoted: false, start: 0 }]],
    ['–yes', [{ value: '--yes', quoted: false, start: 0 }]],
    ['a—b', [{ value: 'a—b', quoted: false, start: 0 }]],
    ['"—env"', [{ value: '—env', quoted: true, start: 0 }]],
    ['--version=1', [{ value: '--version=1', quoted: false, start: 0 }]],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });

  it.each(['"abc', "it's", 'a “b', 'x ‘y'])('rejects the unclosed quote in %j', (text) => {
    expect(() => tokenize(text)).toThrow(UsageError);
    expect(() => tokenize(text)).toThrow(/never closed/);
  });
});
