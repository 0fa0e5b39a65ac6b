import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/parse.js';
import { UsageError } from '../../../src/errors.js';

describe('parsing /dev logs and /dev exec', () => {
  it('reads logs with its lines and since', () => {
    expect(parseCommand('logs web@2 --lines 500 --since 10m --env prod')).toEqual({ verb: 'logs', unit: 'web@2', lines: 500, since: '10m', env: 'prod' });
  });

  it('refuses a line count or duration that is not one', () => {
    expect(() => parseCommand('logs web --lines lots')).toThrow(UsageError);
    expect(() => parseCommand('logs web --since yesterday')).toThrow(/`--since` takes a duration/);
  });

  it('reads exec: where, the entry, its arguments as words', () => {
    expect(parseCommand("exec role=worker unit-status 'web@1.service'")).toEqual({ verb: 'exec', where: 'role=worker', entry: 'unit-status', args: ['web@1.service'], env: undefined, yes: false });
  });

  it('refuses an exec without an entry, or an entry that is no allow-list name', () => {
    expect(() => parseCommand('exec role=worker')).toThrow(/needs an <entry>/);
    expect(() => parseCommand("exec role=worker 'df -h'")).toThrow(/not an allow-list entry name/);
  });
});
