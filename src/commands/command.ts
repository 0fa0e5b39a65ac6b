import { z } from 'zod';
import { DOCKER_TAG_PATTERN } from '../units/docker-tag.js';
import { VERB_NAMES } from './verbs.js';

/**
 * A parsed command: what parseCommand returns and everything downstream (ACL, locks, jobs) reads.
 * The schema is the contract; parse.ts builds the objects and checks them against it.
 */

/**
 * Services, databases, units, job ids, candidates and environments. Narrow on purpose: these end
 * up in etcd keys, lock names, CloudFormation calls and Slack messages, where anything else is
 * a way to break out of the context they are put in.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$/;
/** Alert keys: `<environment>/<rule>/<subject>`, subjects such as `e1->e2`. */
export const ALERT_KEY_PATTERN = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*\/[A-Za-z0-9._@:>-]{1,100}$/;
/** Silence durations: 90s, 30m, 2h, 1d. */
export const DURATION_PATTERN = /^[1-9][0-9]{0,4}[smhd]$/;
/** Versions are docker tags, checked as the catalog checks them (units/docker-tag.ts): no `+ @ :`. */
export const VERSION_PATTERN = DOCKER_TAG_PATTERN;

const name = z.string().regex(NAME_PATTERN);
const env = name.optional();
const yes = z.boolean();

const unitsCommand = z.discriminatedUnion('action', [
  z.object({ verb: z.literal('units'), action: z.literal('list'), unit: name.optional(), env }).strict(),
  z.object({ verb: z.literal('units'), action: z.literal('start'), unit: name, env }).strict(),
  z.object({ verb: z.literal('units'), action: z.literal('stop'), unit: name, env }).strict(),
  z.object({ verb: z.literal('units'), action: z.literal('restart'), unit: name, env }).strict(),
]);

export const STACK_ACTIONS = ['create', 'update', 'diff'] as const;
export const ETCD_ACTIONS = ['members', 'replace', 'snapshot', 'backups', 'drill', 'recover'] as const;
/** A member's peer URL, as etcd takes it: http(s)://host:port, nothing else. */
export const PEER_URL_PATTERN = /^https?:\/\/[A-Za-z0-9][A-Za-z0-9.-]{0,252}:[0-9]{1,5}$/;

const etcdCommand = z.discriminatedUnion('action', [
  z.object({ verb: z.literal('etcd'), action: z.literal('replace'), member: name, peerUrl: z.string().regex(PEER_URL_PATTERN).optional(), force: z.boolean(), env, yes }).strict(),
  ...(['members', 'snapshot', 'backups', 'drill', 'recover'] as const).map((action) => z.object({ verb: z.literal('etcd'), action: z.literal(action), env }).strict()),
]);
export const UNITS_ACTIONS = ['list', 'start', 'stop', 'restart'] as const;

/** Where `/dev exec` runs: a machine id or IP, a unit, or `role=worker` (machine metadata). */
export const EXEC_WHERE_PATTERN = /^(?:[A-Za-z0-9_-]{1,50}=)?[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$/;
/** An exec argument: one word of printable text; its entry's pattern decides the rest, in the job, before any connection. */
export const EXEC_ARG_PATTERN = /^[^\u0000-\u001f\u007f]{1,200}$/;

export const commandSchema = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('status'), env }).strict(),
  z.object({ verb: z.literal('help'), topic: z.enum(VERB_NAMES).optional() }).strict(),
  /** `command` is the command asked about, as typed: can-i reports usage errors in it, parse does not. */
  z.object({ verb: z.literal('can-i'), command: z.string().min(1) }).strict(),
  z.object({ verb: z.literal('deploy'), service: name, version: z.string().regex(VERSION_PATTERN).optional(), env, yes }).strict(),
  z.object({ verb: z.literal('rollback'), service: name, env, yes }).strict(),
  z.object({ verb: z.literal('deployments'), service: name.optional(), env }).strict(),
  z.object({ verb: z.literal('stack'), action: z.enum(STACK_ACTIONS), env, yes }).strict(),
  unitsCommand,
  z.object({ verb: z.literal('failover'), database: name, to: name.optional(), env, yes }).strict(),
  z.object({ verb: z.literal('jobs'), all: z.boolean() }).strict(),
  z.object({ verb: z.literal('cancel'), job: name, yes }).strict(),
  z.object({ verb: z.literal('locks') }).strict(),
  z.object({ verb: z.literal('audit'), user: name.optional(), target: name.optional() }).strict(),
  z.object({ verb: z.literal('alerts') }).strict(),
  z.object({ verb: z.literal('silence'), key: z.string().regex(ALERT_KEY_PATTERN), duration: z.string().regex(DURATION_PATTERN) }).strict(),
  etcdCommand,
  z.object({ verb: z.literal('converge'), only: z.array(name).min(1).optional(), prune: z.boolean(), env, yes }).strict(),
  z.object({ verb: z.literal('drift'), env }).strict(),
  z.object({ verb: z.literal('machines'), env }).strict(),
  z.object({ verb: z.literal('logs'), unit: name, lines: z.number().int().min(1).max(10_000).optional(), since: z.string().regex(DURATION_PATTERN).optional(), env }).strict(),
  z.object({ verb: z.literal('replace'), machine: name, env, yes }).strict(),
  z.object({ verb: z.literal('remediation'), action: z.enum(['pause', 'resume']), all: z.boolean(), env }).strict(),
  z.object({ verb: z.literal('exec'), where: z.string().regex(EXEC_WHERE_PATTERN), entry: z.string().regex(/^[a-z][a-z0-9-]*$/), args: z.array(z.string().regex(EXEC_ARG_PATTERN)).max(20), env, yes }).strict(),
]);

export type Command = z.infer<typeof commandSchema>;
export type CommandOf<V extends Command['verb']> = Extract<Command, { verb: V }>;

/**
 * What a command acts on, as locks and ACL `targets` key on it. Stacks are one per environment,
 * so every stack command shares the target 'stack'. Undefined for read-only verbs.
 */
export function commandTarget(cmd: Command): string | undefined {
  switch (cmd.verb) {
    case 'deploy':
    case 'rollback':
    case 'deployments':
      return cmd.service;
    case 'failover':
      return cmd.database;
    case 'units':
    case 'logs':
      return cmd.unit;
    case 'exec':
      return cmd.entry;
    case 'replace':
      return cmd.machine;
    case 'stack':
      return 'stack';
    case 'silence':
      return cmd.key.split('/')[1];
    case 'etcd':
      return cmd.action === 'replace' ? cmd.member : undefined;
    default:
      return undefined;
  }
}

/** The environment the command acts on when it names one: --env, or an alert key's environment. */
export function commandEnv(cmd: Command): string | undefined {
  if (cmd.verb === 'silence') return cmd.key.split('/')[0];
  return 'env' in cmd ? cmd.env : undefined;
}
