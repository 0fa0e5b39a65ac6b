import { describe, expect, it } from 'vitest';
import { commandEnv, commandTarget } from '../../../src/commands/parse.js';
import { parseCommand } from '../../../src/commands/parse.js';

describe('commandTarget and commandEnv', () => {
  const cases: Array<[text: string, target: string | undefined, env: string | undefined]> = [
    ['status', undefined, undefined],
    ['status --env prod', undefined, 'prod'],
    ['help deploy', undefined, undefined],
    ['can-i deploy gerrit --env prod', undefined, undefined],
    ['deploy gerrit --env prod', 'gerrit', 'prod'],
    ['rollback gerrit', 'gerrit', undefined],
    ['stack diff --env staging', 'stack', 'staging'],
    ['stack update', 'stack', undefined],
    ['units list', undefined, undefined],
    ['units list web.service', 'web.service', undefined],
    ['units start web.service --env prod', 'web.service', 'prod'],
    ['failover postgres --to pg-2 --env prod', 'postgres', 'prod'],
    ['jobs --all', undefined, undefined],
    // A job id is no ACL target: rules limited to targets check the job's own target when its cancel is confirmed.
    ['cancel 1042', undefined, undefined],
    ['locks', undefined, undefined],
    // audit's --target filters the trail; audit itself acts on nothing
    ['audit --target gerrit', undefined, undefined],
  ];
  it.each(cases)('%j → target %j, env %j', (text, target, env) => {
    const cmd = parseCommand(text);
    expect(commandTarget(cmd)).toBe(target);
    expect(commandEnv(cmd)).toBe(env);
  });
});
