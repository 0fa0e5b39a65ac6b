import type { Command } from './command.js';
import { VERB_NAMES, type Verb } from './verbs.js';

/** Flags the grammar knows. Each verb accepts a subset (VerbSpec.flags). */
export const FLAGS = {
  env: { value: 'E' },
  yes: {},
  version: { value: 'V' },
  to: { value: 'candidate' },
  all: {},
  user: { value: 'U' },
  target: { value: 'T' },
  'peer-url': { value: 'URL' },
  force: {},
  only: { value: 'svc,svc' },
  prune: {},
  lines: { value: 'N' },
  since: { value: 'DURATION' },
} as const satisfies Record<string, { value?: string }>;

export type FlagName = keyof typeof FLAGS;

export function isFlagName(word: string): word is FlagName {
  return Object.hasOwn(FLAGS, word);
}

export function flagTakesValue(flag: FlagName): boolean {
  return 'value' in FLAGS[flag];
}

export interface VerbSpec {
  verb: Verb;
  summary: string;
  /** One line, as help shows it and usage errors quote it. */
  usage: string;
  /**
   * Answered in the request ('local') or queued as a job of kind `jobKind` ('job'). A job verb is
   * available only where its kind is registered (see availability.ts).
   */
  handling: 'local' | 'job';
  jobKind?: string;
  /** Asks for confirmation (and approvals, per environment) before running. See isDangerous. */
  dangerous: boolean;
  /** Flags the verb accepts; the parser rejects any other. */
  flags: readonly FlagName[];
  examples: string[];
}

/** The usage line for errors that come before a verb is known. */
export const OVERVIEW_USAGE = `/dev <${VERB_NAMES.join('|')}> …   (/dev help lists what you may run here)`;

export const GRAMMAR: Record<Verb, VerbSpec> = {
  status: {
    verb: 'status',
    summary: 'Cluster health: etcd members, quorum and leader; the job queue and its workers.',
    usage: '/dev status [--env E]',
    handling: 'job',
    jobKind: 'status',
    dangerous: false,
    flags: ['env'],
    examples: ['/dev status', '/dev status --env prod'],
  },
  help: {
    verb: 'help',
    summary: 'Lists the commands you may run here, or explains one.',
    usage: '/dev help [verb]',
    handling: 'local',
    dangerous: false,
    flags: [],
    examples: ['/dev help', '/dev help deploy'],
  },
  'can-i': {
    verb: 'can-i',
    summary: 'Tells you whether you may run a command here, and which rule decides.',
    usage: '/dev can-i <command…>',
    handling: 'local',
    dangerous: false,
    flags: [],
    examples: ['/dev can-i deploy gerrit --env prod', '/dev can-i failover postgres'],
  },
  deploy: {
    verb: 'deploy',
    summary: 'Deploys a service: the latest build, or the one given with --version.',
    usage: '/dev deploy <service> [--version V] [--env E] [--yes]',
    handling: 'job',
    jobKind: 'deploy',
    dangerous: false,
    flags: ['version', 'env', 'yes'],
    examples: ['/dev deploy gerrit', '/dev deploy gerrit --version 3.9.1 --env prod'],
  },
  rollback: {
    verb: 'rollback',
    summary: 'Puts back the version of a service that ran before the last deploy.',
    usage: '/dev rollback <service> [--env E] [--yes]',
    handling: 'job',
    jobKind: 'rollback',
    dangerous: false,
    flags: ['env', 'yes'],
    examples: ['/dev rollback gerrit', '/dev rollback gerrit --env prod --yes'],
  },
  deployments: {
    verb: 'deployments',
    summary: 'The deployment history: who deployed which version of what, when, and how it went.',
    usage: '/dev deployments [service] [--env E]',
    handling: 'job',
    jobKind: 'deployments',
    dangerous: false,
    flags: ['env'],
    examples: ['/dev deployments', '/dev deployments gerrit --env prod'],
  },
  stack: {
    verb: 'stack',
    summary: "Creates or updates the environment's CloudFormation stack, or shows what an update would change.",
    usage: '/dev stack <create|update|diff> [--env E] [--yes]',
    handling: 'job',
    jobKind: 'stack',
    dangerous: true,
    flags: ['env', 'yes'],
    examples: ['/dev stack diff', '/dev stack update --env staging'],
  },
  units: {
    verb: 'units',
    summary: 'Lists the fleet units, or starts, stops or restarts one.',
    usage: '/dev units <list|start|stop|restart> [unit] [--env E]',
    handling: 'job',
    jobKind: 'units',
    dangerous: false,
    flags: ['env'],
    examples: ['/dev units list', '/dev units stop gerrit@1.service', '/dev units restart gerrit@1.service'],
  },
  failover: {
    verb: 'failover',
    summary: 'Hands the leadership of a database to another candidate.',
    usage: '/dev failover <database> [--to candidate] [--env E] [--yes]',
    handling: 'job',
    jobKind: 'failover',
    dangerous: true,
    flags: ['to', 'env', 'yes'],
    examples: ['/dev failover postgres', '/dev failover postgres --to pg-2 --env prod'],
  },
  jobs: {
    verb: 'jobs',
    summary: 'Lists queued and running jobs; --all adds the recently finished ones.',
    usage: '/dev jobs [--all]',
    handling: 'local',
    dangerous: false,
    flags: ['all'],
    examples: ['/dev jobs', '/dev jobs --all'],
  },
  cancel: {
    verb: 'cancel',
    summary: 'Cancels a queued or running job.',
    usage: '/dev cancel <job> [--yes]',
    handling: 'local',
    dangerous: true,
    flags: ['yes'],
    examples: ['/dev cancel 1042'],
  },
  locks: {
    verb: 'locks',
    summary: 'Lists the locks held right now: on what, by whom, since when.',
    usage: '/dev locks',
    handling: 'local',
    dangerous: false,
    flags: [],
    examples: ['/dev locks'],
  },
  audit: {
    verb: 'audit',
    summary: 'Shows recent commands from the audit trail, filtered by user or target.',
    usage: '/dev audit [--user U] [--target T]',
    handling: 'local',
    dangerous: false,
    flags: ['user', 'target'],
    examples: ['/dev audit', '/dev audit --target gerrit'],
  },
  alerts: {
    verb: 'alerts',
    summary: 'Lists the alerts firing now, with their keys.',
    usage: '/dev alerts',
    handling: 'local',
    dangerous: false,
    flags: [],
    examples: ['/dev alerts'],
  },
  silence: {
    verb: 'silence',
    summary: 'Silences an alert (by its key) for a while: no new message while it fires.',
    usage: '/dev silence <key> <duration>',
    handling: 'local',
    dangerous: false,
    flags: [],
    examples: ['/dev silence prod/etcd-member-unreachable/e2 2h'],
  },
  etcd: {
    verb: 'etcd',
    summary: 'etcd repair: members, replace a failed member, snapshots and their backups, a restore drill, a recovery plan.',
    usage: '/dev etcd <members|replace|snapshot|backups|drill|recover> [member] [--peer-url URL] [--force] [--env E] [--yes]',
    handling: 'job',
    jobKind: 'etcd',
    dangerous: true,
    flags: ['peer-url', 'force', 'env', 'yes'],
    examples: ['/dev etcd members', '/dev etcd replace e2 --peer-url http://10.0.2.10:2380', '/dev etcd backups', '/dev etcd recover'],
  },
  converge: {
    verb: 'converge',
    summary: 'Brings fleet to what the catalog says: creates, replaces (and with --prune removes) units, services in dependency order.',
    usage: '/dev converge [--env E] [--only svc,svc] [--prune] [--yes]',
    handling: 'job',
    jobKind: 'converge',
    dangerous: false,
    flags: ['env', 'only', 'prune', 'yes'],
    examples: ['/dev converge', '/dev converge --only gerrit,buildbot', '/dev converge --env prod --prune'],
  },
  drift: {
    verb: 'drift',
    summary: 'Shows where fleet differs from the catalog: changed unit files, services without units, units the catalog does not know.',
    usage: '/dev drift [--env E]',
    handling: 'job',
    jobKind: 'drift',
    dangerous: false,
    flags: ['env'],
    examples: ['/dev drift', '/dev drift --env prod'],
  },
  machines: {
    verb: 'machines',
    summary: "fleet's machines with their EC2 instances (group, role, zone, launch time, health) and units; instances fleet does not know.",
    usage: '/dev machines [--env E]',
    handling: 'job',
    jobKind: 'machines',
    dangerous: false,
    flags: ['env'],
    examples: ['/dev machines', '/dev machines --env prod'],
  },
  logs: {
    verb: 'logs',
    summary: "A unit's journal from the machine fleet placed it on (up to 50 lines in the thread, more as a file).",
    usage: '/dev logs <unit> [--lines N] [--since DURATION] [--env E]',
    handling: 'job',
    jobKind: 'logs',
    dangerous: false,
    flags: ['lines', 'since', 'env'],
    examples: ['/dev logs gerrit', '/dev logs web@2 --lines 500', '/dev logs buildbot --since 30m'],
  },
  exec: {
    verb: 'exec',
    summary: 'Runs an allow-listed command (environments.<env>.remote.exec) on a machine, on every machine of a role, or where a unit runs.',
    usage: '/dev exec <machine|role=R|unit> <entry> [args…] [--env E] [--yes]',
    handling: 'job',
    jobKind: 'exec',
    dangerous: false,
    flags: ['env', 'yes'],
    examples: ['/dev exec role=worker disk-usage', '/dev exec gerrit unit-status gerrit.service'],
  },
  replace: {
    verb: 'replace',
    summary: 'Replaces a machine: terminates its EC2 instance in its autoscaling group, waits for the new one to join fleet (and etcd, for a main node) and for its units to run again.',
    usage: '/dev replace <machine|instance> [--env E] [--yes]',
    handling: 'job',
    jobKind: 'replace',
    dangerous: true,
    flags: ['env', 'yes'],
    examples: ['/dev replace 10.0.2.21', '/dev replace i-0abc123def4567890 --env prod', '/dev replace 3f2a9c1e'],
  },
  remediation: {
    verb: 'remediation',
    summary: "The kill switch of auto-remediation: pause stops devbot from acting on alerts by itself (in one environment, or --all), resume turns it back on.",
    usage: '/dev remediation <pause|resume> [--env E] [--all]',
    handling: 'local',
    dangerous: false,
    flags: ['env', 'all'],
    examples: ['/dev remediation pause', '/dev remediation resume --env prod', '/dev remediation pause --all'],
  },
};

/** Whether this command needs confirmation: the verb's flag, except for the actions of it that change nothing. */
export function isDangerous(cmd: Command): boolean {
  if (cmd.verb === 'stack' && cmd.action === 'diff') return false;
  // Only a membership change is dangerous; the other etcd actions read, or write a snapshot.
  if (cmd.verb === 'etcd') return cmd.action === 'replace';
  return GRAMMAR[cmd.verb].dangerous;
}
