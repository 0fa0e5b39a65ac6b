import { describe, expect, it } from 'vitest';
import type { ExecEntry } from '../../../src/config/remote-schema.js';
import { UsageError } from '../../../src/errors.js';
import { resolveExec } from '../../../src/remote/resolve-exec.js';

const allowList: Record<string, ExecEntry> = {
  disk: { argv: ['df', '-h'], args: {}, dangerous: false },
  status: { argv: ['systemctl', 'status', '{unit}'], args: { unit: '[a-z0-9@.-]+' }, dangerous: false },
};

describe('resolveExec', () => {
  it('gives the argv of an allowed entry with its arguments filled in', () => {
    expect(resolveExec(allowList, 'disk', [])).toEqual(['df', '-h']);
    expect(resolveExec(allowList, 'status', ['api@1.service'])).toEqual(['systemctl', 'status', 'api@1.service']);
  });

  it('refuses a command outside the allow-list, naming the allowed ones', () => {
    expect(() => resolveExec(allowList, 'rm', ['-rf', '/'])).toThrow(UsageError);
    expect(() => resolveExec(allowList, 'rm', [])).toThrow(/not an allowed command.*disk, status/);
    expect(() => resolveExec(allowList, 'constructor', [])).toThrow(UsageError);
  });

  it('refuses an argument that does not match its pattern whole', () => {
    expect(() => resolveExec(allowList, 'status', ['api; rm -rf /'])).toThrow(/not a valid <unit>/);
    expect(() => resolveExec(allowList, 'status', ['api\nrm'])).toThrow(UsageError);
  });

  it('refuses too many or too few arguments', () => {
    expect(() => resolveExec(allowList, 'disk', ['/'])).toThrow(/takes no arguments/);
    expect(() => resolveExec(allowList, 'status', [])).toThrow(/takes <unit>/);
  });
});
