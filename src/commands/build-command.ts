import { UsageError } from '../errors.js';
import { ALERT_KEY_PATTERN, DURATION_PATTERN, ETCD_ACTIONS, EXEC_ARG_PATTERN, EXEC_WHERE_PATTERN, STACK_ACTIONS, UNITS_ACTIONS, type CommandOf } from './command.js';
import { echoUserText, quoteUserText } from './echo.js';
import type { FlagName } from './grammar.js';
import { checkName, type Args } from './read-args.js';
import { suggestNearest } from './suggest.js';
import { VERB_NAMES, isVerb, type Verb } from './verbs.js';

/** The command as typed up to `index` ("units start"), for messages about the next word. */
function typedBefore(a: Args, index: number): string {
  return echoUserText([a.spec.verb, ...a.positionals.slice(0, index)].join(' '));
}

function required(a: Args, index: number, label: string, noun = `${label} name`): string {
  const value = a.positionals[index];
  if (value === undefined) throw new UsageError(`\`${typedBefore(a, index)}\` needs a <${label}>.`, a.spec.usage);
  return checkName(value, noun, a.spec.usage);
}

function optional(a: Args, index: number, label: string): string | undefined {
  const value = a.positionals[index];
  return value === undefined ? undefined : checkName(value, `${label} name`, a.spec.usage);
}

function choice<T extends string>(a: Args, index: number, choices: readonly T[]): T {
  const value = a.positionals[index];
  const list = `${choices.slice(0, -1).join(', ')} or ${choices.at(-1) ?? ''}`;
  if (value === undefined) throw new UsageError(`\`${typedBefore(a, index)}\` needs one of: ${list}.`, a.spec.usage);
  const found = choices.find((c) => c === value.toLowerCase());
  if (found) return found;
  const near = suggestNearest(value, choices);
  throw new UsageError(
    `\`${typedBefore(a, index)}\` takes ${list}, not ${quoteUserText(value)}.${near ? ` Did you mean \`${near}\`?` : ''}`,
    a.spec.usage,
  );
}

/** Rejects words past the ones the verb takes; `labels` describe those, for the message. */
function end(a: Args, labels: readonly string[]): void {
  const extra = a.positionals[labels.length];
  if (extra === undefined) return;
  const takes = labels.length === 0 ? 'no arguments' : `${labels.length === 1 ? 'one argument' : `at most ${labels.length} arguments`} (${labels.join(' ')})`;
  throw new UsageError(`\`${a.spec.verb}\` takes ${takes}; ${quoteUserText(extra)} is extra.`, a.spec.usage);
}

/** A value flag's (already validated) value, if given. */
function value(a: Args, flag: FlagName): string | undefined {
  const given = a.flags[flag];
  return typeof given === 'string' ? given : undefined;
}

const yes = (a: Args): boolean => a.flags.yes === true;

function topic(a: Args): Verb | undefined {
  const word = a.positionals[0];
  end(a, ['[verb]']);
  if (word === undefined) return undefined;
  const verb = word.toLowerCase();
  if (isVerb(verb)) return verb;
  const near = suggestNearest(verb, VERB_NAMES);
  throw new UsageError(`${quoteUserText(word)} is not a devbot command.${near ? ` Did you mean \`${near}\`?` : ''}`, a.spec.usage);
}

type Builders = { [V in Exclude<Verb, 'can-i'>]: (a: Args) => CommandOf<V> };

/**
 * One builder per verb (can-i takes its raw rest of line, see parse.ts): reads positionals in
 * order, so a missing word is reported before an extra one. Flags were checked by readArgs.
 */
export const BUILDERS: Builders = {
  status: (a) => {
    end(a, []);
    return { verb: 'status', env: value(a, 'env') };
  },
  help: (a) => ({ verb: 'help', topic: topic(a) }),
  deploy: (a) => {
    const service = required(a, 0, 'service');
    end(a, ['<service>']);
    return { verb: 'deploy', service, version: value(a, 'version'), env: value(a, 'env'), yes: yes(a) };
  },
  rollback: (a) => {
    const service = required(a, 0, 'service');
    end(a, ['<service>']);
    return { verb: 'rollback', service, env: value(a, 'env'), yes: yes(a) };
  },
  deployments: (a) => {
    const service = optional(a, 0, 'service');
    end(a, ['[service]']);
    return { verb: 'deployments', service, env: value(a, 'env') };
  },
  stack: (a) => {
    const action = choice(a, 0, STACK_ACTIONS);
    end(a, ['<action>']);
    return { verb: 'stack', action, env: value(a, 'env'), yes: yes(a) };
  },
  units: (a) => {
    const action = choice(a, 0, UNITS_ACTIONS);
    if (action === 'list') {
      const unit = optional(a, 1, 'unit');
      end(a, ['<action>', '[unit]']);
      return { verb: 'units', action, unit, env: value(a, 'env') };
    }
    const unit = required(a, 1, 'unit');
    end(a, ['<action>', '<unit>']);
    return { verb: 'units', action, unit, env: value(a, 'env') };
  },
  failover: (a) => {
    const database = required(a, 0, 'database');
    end(a, ['<database>']);
    return { verb: 'failover', database, to: value(a, 'to'), env: value(a, 'env'), yes: yes(a) };
  },
  jobs: (a) => {
    end(a, []);
    return { verb: 'jobs', all: a.flags.all === true };
  },
  cancel: (a) => {
    const job = required(a, 0, 'job', 'job id');
    end(a, ['<job>']);
    return { verb: 'cancel', job, yes: yes(a) };
  },
  locks: (a) => {
    end(a, []);
    return { verb: 'locks' };
  },
  audit: (a) => {
    end(a, []);
    return { verb: 'audit', user: value(a, 'user'), target: value(a, 'target') };
  },
  alerts: (a) => {
    end(a, []);
    return { verb: 'alerts' };
  },
  silence: (a) => {
    const key = a.positionals[0];
    if (key === undefined) throw new UsageError('`silence` needs the alert key, as `/dev alerts` shows it.', a.spec.usage);
    if (!ALERT_KEY_PATTERN.test(key)) throw new UsageError(`${quoteUserText(key)} is not an alert key (they look like \`prod/etcd-member-unreachable/e2\`; \`/dev alerts\` lists them).`, a.spec.usage);
    const duration = a.positionals[1];
    if (duration === undefined) throw new UsageError('`silence` needs a duration such as 30m, 2h or 1d.', a.spec.usage);
    if (!DURATION_PATTERN.test(duration)) throw new UsageError(`${quoteUserText(duration)} is not a duration: write a number and s, m, h or d (30m, 2h, 1d).`, a.spec.usage);
    end(a, ['<key>', '<duration>']);
    return { verb: 'silence', key, duration };
  },
  etcd: (a) => {
    const action = choice(a, 0, ETCD_ACTIONS);
    if (action === 'replace') {
      const member = required(a, 1, 'member');
      end(a, ['<action>', '<member>']);
      return { verb: 'etcd', action, member, peerUrl: value(a, 'peer-url'), force: a.flags.force === true, env: value(a, 'env'), yes: yes(a) };
    }
    if (a.flags['peer-url'] !== undefined || a.flags.force) throw new UsageError('`--peer-url` and `--force` go with `/dev etcd replace` only.', a.spec.usage);
    end(a, ['<action>']);
    return { verb: 'etcd', action, env: value(a, 'env') };
  },
  converge: (a) => {
    end(a, []);
    const only = value(a, 'only');
    return { verb: 'converge', ...(only ? { only: only.split(',') } : {}), prune: a.flags.prune === true, env: value(a, 'env'), yes: yes(a) };
  },
  drift: (a) => {
    end(a, []);
    return { verb: 'drift', env: value(a, 'env') };
  },
  machines: (a) => {
    end(a, []);
    return { verb: 'machines', env: value(a, 'env') };
  },
  logs: (a) => {
    const unit = required(a, 0, 'unit');
    end(a, ['<unit>']);
    const lines = value(a, 'lines');
    if (lines !== undefined && !/^[1-9][0-9]{0,4}$/.test(lines)) throw new UsageError('`--lines` takes a number of lines, 1 to 10000.', a.spec.usage);
    const since = value(a, 'since');
    if (since !== undefined && !DURATION_PATTERN.test(since)) throw new UsageError('`--since` takes a duration such as 90s, 10m, 2h or 1d.', a.spec.usage);
    return { verb: 'logs', unit, ...(lines ? { lines: Math.min(Number(lines), 10_000) } : {}), ...(since ? { since } : {}), env: value(a, 'env') };
  },
  replace: (a) => {
    const machine = a.positionals[0];
    if (machine === undefined) throw new UsageError('`replace` needs a <machine|instance>: a fleet machine id, its private IP, or its EC2 instance id (`/dev machines` lists them).', a.spec.usage);
    const checked = checkName(machine, 'machine', a.spec.usage);
    end(a, ['<machine|instance>']);
    return { verb: 'replace', machine: checked, env: value(a, 'env'), yes: yes(a) };
  },
  remediation: (a) => {
    const action = choice(a, 0, ['pause', 'resume'] as const);
    end(a, ['<pause|resume>']);
    if (a.flags.all === true && value(a, 'env') !== undefined) throw new UsageError('`remediation` takes --env E (one environment) or --all (every one), not both.', a.spec.usage);
    return { verb: 'remediation', action, all: a.flags.all === true, env: value(a, 'env') };
  },
  exec: (a) => {
    const where = a.positionals[0];
    if (where === undefined) throw new UsageError('`exec` needs a <machine|role=R|unit>.', a.spec.usage);
    if (!EXEC_WHERE_PATTERN.test(where)) throw new UsageError(`${quoteUserText(where)} is not a machine id, IP, unit or role=R.`, a.spec.usage);
    const entry = a.positionals[1];
    if (entry === undefined) throw new UsageError(`\`exec ${echoUserText(where)}\` needs an <entry> from the allow-list.`, a.spec.usage);
    if (!/^[a-z][a-z0-9-]*$/.test(entry)) throw new UsageError(`${quoteUserText(entry)} is not an allow-list entry name (lowercase words).`, a.spec.usage);
    const args = a.positionals.slice(2);
    const bad = args.find((v) => !EXEC_ARG_PATTERN.test(v));
    if (bad !== undefined) throw new UsageError(`${quoteUserText(bad)} is not a valid argument: one word of printable text, up to 200 characters.`, a.spec.usage);
    if (args.length > 20) throw new UsageError('`exec` takes at most 20 arguments.', a.spec.usage);
    return { verb: 'exec', where, entry, args, env: value(a, 'env'), yes: yes(a) };
  },
};
