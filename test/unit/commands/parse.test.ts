import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/commands/command.js';
import { GRAMMAR, OVERVIEW_USAGE } from '../../../src/commands/grammar.js';
import { parseCommand } from '../../../src/commands/parse.js';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { parseCatalog } from '../../../src/units/load-catalog.js';

function usageErrorOf(text: string): UsageError {
  try {
    parseCommand(text);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(text)}`);
}

describe('parseCommand accepts', () => {
  const cases: Array<[string, Command]> = [
    // every verb, bare and with its options
    ['status', { verb: 'status' }],
    ['status --env prod', { verb: 'status', env: 'prod' }],
    ['help', { verb: 'help' }],
    ['help deploy', { verb: 'help', topic: 'deploy' }],
    ['help CAN-I', { verb: 'help', topic: 'can-i' }],
    ['can-i deploy gerrit --env prod', { verb: 'can-i', command: 'deploy gerrit --env prod' }],
    ['can-i not even a command', { verb: 'can-i', command: 'not even a command' }],
    ['deploy gerrit', { verb: 'deploy', service: 'gerrit', yes: false }],
    ['deploy gerrit --version 3.9.1 --env prod --yes', { verb: 'deploy', service: 'gerrit', version: '3.9.1', env: 'prod', yes: true }],
    ['deploy gerrit --version=1.4.2-g1a2b3c', { verb: 'deploy', service: 'gerrit', version: '1.4.2-g1a2b3c', yes: false }],
    ['deploy gerrit --version _build.7', { verb: 'deploy', service: 'gerrit', version: '_build.7', yes: false }],
    ['deploy --yes gerrit', { verb: 'deploy', service: 'gerrit', yes: true }],
    ['rollback gerrit', { verb: 'rollback', service: 'gerrit', yes: false }],
    ['rollback gerrit --env staging --yes', { verb: 'rollback', service: 'gerrit', env: 'staging', yes: true }],
    ['stack create', { verb: 'stack', action: 'create', yes: false }],
    ['stack update --env prod --yes', { verb: 'stack', action: 'update', env: 'prod', yes: true }],
    ['stack DIFF', { verb: 'stack', action: 'diff', yes: false }],
    ['units list', { verb: 'units', action: 'list' }],
    ['units list gerrit@1.service', { verb: 'units', action: 'list', unit: 'gerrit@1.service' }],
    ['units start gerrit@1.service --env prod', { verb: 'units', action: 'start', unit: 'gerrit@1.service', env: 'prod' }],
    ['units stop etcd-proxy.service', { verb: 'units', action: 'stop', unit: 'etcd-proxy.service' }],
    ['units restart gerrit@1.service --env prod', { verb: 'units', action: 'restart', unit: 'gerrit@1.service', env: 'prod' }],
    ['machines --env prod', { verb: 'machines', env: 'prod' }],
    ['failover postgres', { verb: 'failover', database: 'postgres', yes: false }],
    ['failover postgres --to pg-2 --env prod --yes', { verb: 'failover', database: 'postgres', to: 'pg-2', env: 'prod', yes: true }],
    ['jobs', { verb: 'jobs', all: false }],
    ['jobs --all', { verb: 'jobs', all: true }],
    ['cancel 1042', { verb: 'cancel', job: '1042', yes: false }],
    ['cancel deploy-3f9a0c1b2d --yes', { verb: 'cancel', job: 'deploy-3f9a0c1b2d', yes: true }],
    ['locks', { verb: 'locks' }],
    ['audit', { verb: 'audit' }],
    ['audit --user U0ALICE --target gerrit', { verb: 'audit', user: 'U0ALICE', target: 'gerrit' }],
    ['audit --user <@U0ALICE|alice>', { verb: 'audit', user: 'U0ALICE' }],
    ['audit --user @alice', { verb: 'audit', user: 'alice' }],
    // what surrounds the command
    ['', { verb: 'help' }],
    ['   ', { verb: 'help' }],
    ['/dev', { verb: 'help' }],
    ['/dev status', { verb: 'status' }],
    ['/DEV Status', { verb: 'status' }],
    ['  status\t--env\nprod  ', { verb: 'status', env: 'prod' }],
    // quoting
    ['deploy "gerrit"', { verb: 'deploy', service: 'gerrit', yes: false }],
    ["deploy 'gerrit' --version '3.9.1'", { verb: 'deploy', service: 'gerrit', version: '3.9.1', yes: false }],
    ['deploy “gerrit”', { verb: 'deploy', service: 'gerrit', yes: false }],
    ['deploy ‘gerrit’', { verb: 'deploy', service: 'gerrit', yes: false }],
    ['deploy ger"rit"', { verb: 'deploy', service: 'gerrit', yes: false }],
    // chat clients' autocorrect: em and en dashes for --
    ['status —env prod', { verb: 'status', env: 'prod' }],
    ['status –env prod', { verb: 'status', env: 'prod' }],
    ['deploy gerrit —yes —version=2', { verb: 'deploy', service: 'gerrit', version: '2', yes: true }],
    ['jobs –all', { verb: 'jobs', all: true }],
    // NFKC: full-width letters, non-breaking and ideographic spaces, full-width hyphen-minus
    ['ｓｔａｔｕｓ', { verb: 'status' }],
    ['deploy\u00a0gerrit\u3000--yes', { verb: 'deploy', service: 'gerrit', yes: true }],
    ['status －－env prod', { verb: 'status', env: 'prod' }],
    ['status --ENV prod', { verb: 'status', env: 'prod' }],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('parseCommand rejects with a usage error that says what is wrong', () => {
  const deployUsage = GRAMMAR.deploy.usage;
  const cases: Array<[label: string, text: string, message: RegExp, usage: string]> = [
    ['unknown verb, near miss', 'deplyo gerrit', /^`deplyo` is not a devbot command\. Did you mean `deploy`\? Commands: status, help, can-i/, OVERVIEW_USAGE],
    ['unknown verb, prefix', 'stat', /Did you mean `status`\?/, OVERVIEW_USAGE],
    ['unknown verb, nothing near', 'frobnicate', /^`frobnicate` is not a devbot command\. Commands: /, OVERVIEW_USAGE],
    ['empty quoted verb', '"" status', /^An empty word is not a devbot command\. Commands: /, OVERVIEW_USAGE],
    ['flag before verb', '--env prod status', /Start with a command, then its flags/, OVERVIEW_USAGE],
    ['unknown help topic', 'help deplyo', /^`deplyo` is not a devbot command\. Did you mean `deploy`\?/, GRAMMAR.help.usage],
    ['missing positional', 'deploy', /^`deploy` needs a <service>\.$/, deployUsage],
    ['missing positional after flags', 'deploy --env prod', /^`deploy` needs a <service>\.$/, deployUsage],
    ['missing unit for start', 'units start', /^`units start` needs a <unit>\.$/, GRAMMAR.units.usage],
    ['missing unit for stop', 'units stop --env prod', /^`units stop` needs a <unit>\.$/, GRAMMAR.units.usage],
    ['missing action', 'stack', /^`stack` needs one of: create, update or diff\.$/, GRAMMAR.stack.usage],
    ['bad action with suggestion', 'stack updte', /^`stack` takes create, update or diff, not `updte`\. Did you mean `update`\?$/, GRAMMAR.stack.usage],
    ['bad units action', 'units reboot x', /^`units` takes list, start, stop or restart, not `reboot`\.$/, GRAMMAR.units.usage],
    ['missing database', 'failover', /^`failover` needs a <database>\.$/, GRAMMAR.failover.usage],
    ['missing job', 'cancel --yes', /^`cancel` needs a <job>\.$/, GRAMMAR.cancel.usage],
    ['missing can-i command', 'can-i', /^`can-i` needs the command to check/, GRAMMAR['can-i'].usage],
    ['extra positional', 'deploy gerrit buildbot', /^`deploy` takes one argument \(<service>\); `buildbot` is extra\.$/, deployUsage],
    ['extra positional, no-arg verb', 'locks all', /^`locks` takes no arguments; `all` is extra\.$/, GRAMMAR.locks.usage],
    ['extra positional, units', 'units stop a b', /^`units` takes at most 2 arguments \(<action> <unit>\); `b` is extra\.$/, GRAMMAR.units.usage],
    ['extra help topic', 'help deploy now', /^`help` takes one argument \(\[verb\]\); `now` is extra\.$/, GRAMMAR.help.usage],
    ['unknown flag', 'deploy gerrit --force', /^`deploy` has no flag `--force` \(its flags: --version, --env, --yes\)\.$/, deployUsage],
    ['unknown flag, near miss', 'deploy gerrit --verison 2', /Did you mean `--version`\?$/, deployUsage],
    ['flag of another verb', 'locks --env prod', /^`locks` has no flag `--env` \(it takes no flags\)\.$/, GRAMMAR.locks.usage],
    ['--yes where not accepted', 'status --yes', /^`status` has no flag `--yes`/, GRAMMAR.status.usage],
    ['bare --', 'status --', /^`status` has no flag `--`/, GRAMMAR.status.usage],
    ['single-dash flag', 'status -env prod', /^Flags start with two dashes: write `--env`, not `-env`\.$/, GRAMMAR.status.usage],
    ['flag without value at end', 'failover postgres --to', /^`--to` needs a value, as in `--to candidate`\.$/, GRAMMAR.failover.usage],
    ['flag without value before flag', 'status --env --yes', /^`--env` needs a value, as in `--env E`\.$/, GRAMMAR.status.usage],
    ['flag with empty inline value', 'status --env=', /^`--env` needs a value/, GRAMMAR.status.usage],
    ['value given to a switch', 'jobs --all=yes', /^`--all` takes no value; write just `--all`\.$/, GRAMMAR.jobs.usage],
    ['duplicate flag', 'failover pg --to pg-2 --to pg-3', /^`--to` is given twice; give it once\.$/, GRAMMAR.failover.usage],
    ['duplicate switch', 'deploy gerrit --yes --yes', /^`--yes` is given twice/, deployUsage],
    ['duplicate via em dash', 'status --env a —env b', /^`--env` is given twice/, GRAMMAR.status.usage],
    ['unterminated quote', 'deploy "gerrit', /^The quote at position 8 is never closed\.$/, OVERVIEW_USAGE],
    ['unsafe service name', 'deploy ../etc/passwd', /^`\.\.\/etc\/passwd` is not a valid service name: names are 1–100 letters/, deployUsage],
    ['name with space (quoted)', 'deploy "ger rit"', /^`ger rit` is not a valid service name/, deployUsage],
    ['empty quoted name', 'deploy ""', /^An empty argument is not a valid service name/, deployUsage],
    ['quoted flag is not a flag', 'deploy "--yes"', /^`--yes` is not a valid service name/, deployUsage],
    ['unsafe env', 'status --env "prod;rm"', /^`prod;rm` is not a valid environment name for --env/, GRAMMAR.status.usage],
    ['unsafe version', 'deploy gerrit --version $(id)', /^`\$\(id\)` is not a valid version for --version: a docker tag is 1–128 letters, digits and _ \. -, not starting with \. or -\.$/, deployUsage],
    // Docker refuses these tags: refused here, before a confirmation or a job, not inside the job.
    ['semver build metadata (+) in a version', 'deploy gerrit --version 1.4.2+g1a2b3c', /^`1\.4\.2\+g1a2b3c` is not a valid version for --version: a docker tag/, deployUsage],
    ['@ in a version', 'deploy gerrit --version 1.0@sha', /^`1\.0@sha` is not a valid version for --version: a docker tag/, deployUsage],
    [': in a version', 'deploy gerrit --version team:1', /^`team:1` is not a valid version for --version: a docker tag/, deployUsage],
    ['a version of 129 characters', `deploy gerrit --version ${'a'.repeat(129)}`, /is not a valid version for --version: a docker tag/, deployUsage],
    ['unsafe job id', 'cancel 1042;', /^`1042;` is not a valid job id/, GRAMMAR.cancel.usage],
    ['unsafe candidate', 'failover pg --to pg/2', /^`pg\/2` is not a valid candidate name for --to/, GRAMMAR.failover.usage],
    ['name too long', `deploy ${'a'.repeat(101)}`, /is not a valid service name/, deployUsage],
    ['over the length limit', 'x'.repeat(1001), /^That command is 1,001 characters long; the limit is 1,000\.$/, OVERVIEW_USAGE],
    ['1,000 emoji are 1,000 characters, not 2,000', `${'😀'.repeat(999)}x`, /^`😀😀/, OVERVIEW_USAGE],
    ['1,001 emoji', '😀'.repeat(1001), /^That command is 1,001 characters long/, OVERVIEW_USAGE],
    ['quote position counts characters', '😀 "x', /^The quote at position 3 is never closed\.$/, OVERVIEW_USAGE],
    ['over the limit after NFKC', `deploy ${'\ufdfa'.repeat(60)}`, /characters long; the limit is 1,000\.$/, OVERVIEW_USAGE],
    ['NUL', 'status\u0000', /^That command contains a control character \(U\+0000\) at position 7\. Retype it without it\.$/, OVERVIEW_USAGE],
    ['BEL', 'status\u0007', /control character \(U\+0007\) at position 7/, OVERVIEW_USAGE],
    ['ANSI escape', 'deploy \u001b[31mgerrit', /control character \(U\+001B\) at position 8/, OVERVIEW_USAGE],
    ['DEL', 'status\u007f', /control character \(U\+007F\)/, OVERVIEW_USAGE],
    ['C1 control (NEL)', 'status\u0085', /control character \(U\+0085\)/, OVERVIEW_USAGE],
    ['zero-width space', 'deploy ger\u200brit', /invisible character \(U\+200B ZERO WIDTH SPACE\) at position 11/, OVERVIEW_USAGE],
    ['zero-width joiner', 'sta\u200dtus', /U\+200D ZERO WIDTH JOINER/, OVERVIEW_USAGE],
    ['right-to-left override', 'deploy \u202egerrit', /U\+202E RIGHT-TO-LEFT OVERRIDE\) at position 8\. Characters like this can make a command read differently/, OVERVIEW_USAGE],
    ['left-to-right isolate', 'status \u2066--env prod', /U\+2066 LEFT-TO-RIGHT ISOLATE/, OVERVIEW_USAGE],
    ['byte order mark', '\ufeffstatus', /U\+FEFF ZERO WIDTH NO-BREAK SPACE\) at position 1/, OVERVIEW_USAGE],
    ['unnamed format character', 'status\u{e0041}', /invisible character \(U\+E0041\)/, OVERVIEW_USAGE],
  ];
  it.each(cases)('%s', (_label, text, message, usage) => {
    const error = usageErrorOf(text);
    expect(error.code).toBe('bot_usage');
    expect(error.userFacing).toMatch(message);
    expect(error.usage).toBe(usage);
  });
});

describe('echoed user text in errors', () => {
  it('is cut to 60 characters', () => {
    const error = usageErrorOf(`deploy ${'a/'.repeat(200)}`);
    const quoted = /^`([^`]*)`/.exec(error.userFacing)?.[1] ?? '';
    expect(Array.from(quoted)).toHaveLength(60);
    expect(quoted.endsWith('…')).toBe(true);
  });

  it.each([
    ['a backtick cannot close the code span', 'deploy a`b', /^`a'b` is not/],
    ['angle brackets cannot form Slack markup', 'deploy <!channel>', /^`‹!channel›` is not/],
    ['a mention is not echoed as one', 'deploy <@U0ALICE>', /^`‹@U0ALICE›` is not/],
  ])('%s', (_label, text, expected) => {
    expect(usageErrorOf(text).userFacing).toMatch(expected);
  });

  it('never carries control or invisible characters back', () => {
    for (const text of ['status\u001b]0;pwned\u0007', 'deploy \u202eevil', 'x\u0000'.repeat(10)]) {
      expect(usageErrorOf(text).userFacing).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    }
  });
});

describe('a --version is a version the catalog accepts, and nothing else', () => {
  const catalogTakes = (version: string): boolean => {
    try {
      parseCatalog(`services:\n  app:\n    image: team/app\n    version: ${JSON.stringify(version)}\n`);
      return true;
    } catch (e) {
      if (e instanceof ConfigError) return false;
      throw e;
    }
  };
  const commandTakes = (version: string): boolean => {
    try {
      return (parseCommand(`deploy app --version "${version}"`) as { version?: string }).version === version;
    } catch (e) {
      if (e instanceof UsageError) return false;
      throw e;
    }
  };
  it.each(['1', '3.9.1', 'v1.2.3-rc.1', '_build', 'latest', 'a'.repeat(128), '1.4.2+g1a2b3c', '1.0@sha', 'team:1', 'a/b', '.hidden', '-x', 'a'.repeat(129), 'é', 'a b'])('%s', (version) => {
    expect(commandTakes(version)).toBe(catalogTakes(version));
  });
});
