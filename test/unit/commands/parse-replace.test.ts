import { describe, expect, it } from 'vitest';
import { lockTargetOf } from '../../../src/commands/confirmation-policy.js';
import { commandTarget } from '../../../src/commands/command.js';
import { isDangerous } from '../../../src/commands/grammar.js';
import { parseCommand } from '../../../src/commands/parse.js';

describe('parsing /dev replace', () => {
  it('takes a fleet machine id, a private IP or an instance id, as the alert button types it (`replace <machine> --env <env>`)', () => {
    for (const machine of ['3f2a9c1e', '10.0.2.21', 'i-0abc123def4567890', '3f2a9c1e8d7b6a5f4e3d2c1b0a998877']) {
      const cmd = parseCommand(`replace ${machine} --env prod`);
      expect(cmd).toEqual({ verb: 'replace', machine, env: 'prod', yes: false });
      // Dangerous: a preview, Confirm; one replacement per environment at a time.
      expect(isDangerous(cmd)).toBe(true);
      expect(lockTargetOf(cmd, 'prod')).toBe('machine@prod');
      expect(commandTarget(cmd)).toBe(machine);
    }
  });

  it('says what is missing or extra', () => {
    expect(() => parseCommand('replace')).toThrow('`replace` needs a <machine|instance>: a fleet machine id, its private IP, or its EC2 instance id (`/dev machines` lists them).');
    expect(() => parseCommand('replace 10.0.2.21 10.0.2.22')).toThrow(/`replace` takes one argument \(<machine\|instance>\); .*10\.0\.2\.22.* is extra\./);
    expect(() => parseCommand('replace 10.0.2.21 --peer-url http://x:1')).toThrow(/--peer-url/);
  });
});
